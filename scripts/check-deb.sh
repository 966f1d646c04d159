#!/usr/bin/env bash
# Builds the Debian package with scripts/build-deb.sh and checks what it
# installs, without installing it: the paths it lists, the extracted binary
# and config, the extracted unit under systemd-analyze, the man pages under
# man, and the control files (conffiles, maintainer scripts).
#
#   scripts/check-deb.sh            # build, then check
#   scripts/check-deb.sh FILE.deb   # check an existing package
#
# Needs cargo-deb, and the Debian packages dpkg, systemd and man-db.
# .ci/run runs it after `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "check-deb: FAIL: $*" >&2
    exit 1
}
ok() { echo "check-deb: ok: $*"; }

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
if [ $# -ge 1 ]; then
    deb=$1
else
    start=$SECONDS
    scripts/build-deb.sh --locked
    echo "check-deb: package built in $((SECONDS - start)) s"
    deb=target/debian/claimwatch_${version}-1_$(dpkg --print-architecture).deb
fi
[ -f "$deb" ] || fail "no package at $deb"
echo "check-deb: checking $deb"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
ctrl=$work/control

# 1. The paths the package installs (dpkg-deb -c: "./path" in column 6).
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/paths"
dpkg-deb -c "$deb" | awk '{print $1, $6}' >"$work/modes"
for path in \
    /usr/bin/claimwatch \
    /usr/lib/systemd/system/claimwatch.service \
    /etc/claimwatch/claimwatch.toml \
    /usr/share/doc/claimwatch/examples/smtp-credential.conf \
    /usr/share/doc/claimwatch/README.md \
    /usr/share/doc/claimwatch/CLI.md \
    /usr/share/doc/claimwatch/SCHEMA.md \
    /usr/share/doc/claimwatch/LICENSE-MIT \
    /usr/share/doc/claimwatch/LICENSE-APACHE \
    /usr/share/doc/claimwatch/copyright \
    /usr/share/man/man1/claimwatch.1.gz \
    /usr/share/man/man1/claimwatch-run.1.gz \
    /usr/share/man/man1/claimwatch-config.1.gz \
    /usr/share/bash-completion/completions/claimwatch \
    /usr/share/zsh/vendor-completions/_claimwatch \
    /usr/share/fish/vendor_completions.d/claimwatch.fish; do
    grep -qxF "$path" "$work/paths" || fail "$path is not in the package"
    echo "  $(grep -F " .$path" "$work/modes" | head -n1)"
done
grep -qxF -- "-rwxr-xr-x ./usr/bin/claimwatch" "$work/modes" ||
    fail "/usr/bin/claimwatch is not mode 0755"
grep -qxF -- "-rw-r--r-- ./etc/claimwatch/claimwatch.toml" "$work/modes" ||
    fail "the config is not mode 0644 (the service's dynamic user reads it)"
# The unit's only place is /usr/lib: a second copy would shadow or diverge.
[ "$(grep -c 'claimwatch.service$' "$work/paths")" = 1 ] ||
    fail "more than one claimwatch.service in the package"
ok "dpkg-deb -c lists every path"

# 2. Extracted into a temporary root: the binary and the shipped config.
dpkg-deb -x "$deb" "$root"
bin=$root/usr/bin/claimwatch
out=$("$bin" --version)
[ "$out" = "claimwatch $version" ] || fail "--version said: $out"
ok "claimwatch --version: $out"
if readelf -SW "$bin" | grep -Eq '\.debug_(info|line) '; then
    fail "/usr/bin/claimwatch carries debug sections (not stripped)"
fi
ok "/usr/bin/claimwatch is stripped: $(du -h "$bin" | cut -f1)"
out=$("$bin" --config "$root/etc/claimwatch/claimwatch.toml" config check) ||
    fail "config check on the shipped config: $out"
echo "$out" | sed 's/^/  /'
grep -qxF "database: /var/lib/claimwatch/claimwatch.db" <<<"$out" ||
    fail "the shipped config's database is not in the service's StateDirectory"
ok "config check passes on the extracted config"

# 3. The extracted unit.
unit=$root/usr/lib/systemd/system/claimwatch.service
exec_start=$(grep '^ExecStart=' "$unit")
[ "$exec_start" = "ExecStart=/usr/bin/claimwatch --config /etc/claimwatch/claimwatch.toml run" ] ||
    fail "unexpected $exec_start"
# Everything but ExecStart's path is the unit in systemd/, unchanged.
diff <(sed 's|^ExecStart=/usr/bin/|ExecStart=/usr/local/bin/|' "$unit") systemd/claimwatch.service >/dev/null ||
    fail "the packaged unit differs from systemd/claimwatch.service beyond ExecStart"
# verify wants ExecStart's binary to exist: a copy of the unit that runs the
# extracted one (--root would also move /bin/kill and systemd's own targets).
mkdir "$work/unit"
sed "s|^ExecStart=/usr/bin/claimwatch |ExecStart=$bin |" "$unit" >"$work/unit/claimwatch.service"
said=$(systemd-analyze verify "$work/unit/claimwatch.service" 2>&1) || fail "systemd-analyze verify: $said"
[ -z "$said" ] || fail "systemd-analyze verify: $said"
ok "systemd-analyze verify: no warnings; $exec_start"
exposure=$(systemd-analyze security --offline=true "$unit" |
    sed -n 's/.*Overall exposure level for claimwatch.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || fail "no exposure level from systemd-analyze security"
awk -v e="$exposure" 'BEGIN { exit !(e <= 1.5) }' || fail "exposure $exposure > 1.5"
ok "systemd-analyze security --offline=true: exposure $exposure (<= 1.5)"

# 4. Every man page renders, without groff warnings.
for page in "$root"/usr/share/man/man1/*.1.gz; do
    text=$(MANWIDTH=80 man --warnings -l "$page" 2>"$work/man.err") || fail "man -l $page"
    [ ! -s "$work/man.err" ] || fail "man -l $(basename "$page"): $(cat "$work/man.err")"
    name=$(basename "$page" .1.gz)
    grep -q "^NAME" <<<"$text" && grep -q "^SYNOPSIS" <<<"$text" && grep -qF "$name" <<<"$text" ||
        fail "$(basename "$page") renders without NAME/SYNOPSIS/$name"
done
MANWIDTH=80 man -l "$root/usr/share/man/man1/claimwatch.1.gz" 2>/dev/null | sed -n '1,6p' | sed 's/^/  /'
ok "man -l renders $(ls "$root"/usr/share/man/man1/*.1.gz | wc -l) pages"

# 5. The control files: the config is a conffile; nothing starts the service.
dpkg-deb -e "$deb" "$ctrl"
echo "  conffiles: $(tr '\n' ' ' <"$ctrl/conffiles")"
grep -qxF /etc/claimwatch/claimwatch.toml "$ctrl/conffiles" ||
    fail "/etc/claimwatch/claimwatch.toml is not a conffile"
for f in Package Version Architecture Depends; do
    echo "  $f: $(dpkg-deb -f "$deb" "$f")"
done
[ "$(dpkg-deb -f "$deb" Package)" = claimwatch ] || fail "package name"
grep -q 'deb-systemd-helper update-state claimwatch.service' "$ctrl/postinst" ||
    fail "postinst does not register the unit with deb-systemd-helper"
# dh_installsystemd's scripts without enable/start: postinst re-enables the
# unit only if the admin had enabled it, and on upgrade ($2 set) restarts it
# only if it is running (try-restart).
awk '/deb-systemd-helper enable/ && prev !~ /was-enabled/ { bad = 1 }
     NF && $1 !~ /^#/ { prev = $0 } END { exit bad }' "$ctrl/postinst" ||
    fail "postinst enables the service unconditionally"
if grep -Eq 'deb-systemd-invoke (start|restart) |systemctl [^|]*(start|enable)' "$ctrl/postinst"; then
    fail "postinst starts the service"
fi
grep -q 'deb-systemd-invoke try-restart claimwatch.service' "$ctrl/postinst" ||
    fail "postinst does not restart a running service after an upgrade"
grep -q 'deb-systemd-invoke stop' "$ctrl/prerm" || fail "prerm does not stop the service on removal"
ok "conffile listed; postinst neither enables nor starts the service"

echo "check-deb: all checks passed"
