//! The SSRF guard: URLs that claimwatch discovers by itself (from feeds and
//! listing pages) must not make it talk to loopback, private, link-local or
//! other non-public addresses, unless the config allows it.
//!
//! Two checks, because reqwest resolves names in one place and takes IP
//! literals as they are:
//! - [`GuardedResolver`] resolves names with the system resolver and drops
//!   every non-public address; a name with only non-public addresses fails
//!   to resolve. The check runs on the addresses that will be connected to,
//!   so a DNS answer cannot slip a private address past a check on the name.
//! - [`check_url`] refuses a URL whose host is a non-public IP literal (or a
//!   non-HTTP scheme). The fetcher runs it on the first URL and on every
//!   redirect target.
//!
//! Architecture invariant: configured sources are trusted and never go
//! through this guard; discovered URLs always do.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Why the guard refused a URL or a name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("refused to connect to non-public address {addr} (host {host})")]
    NonPublicAddress { host: String, addr: IpAddr },
    #[error("refused: {host} resolves only to non-public addresses ({addrs})")]
    NonPublicName { host: String, addrs: String },
    #[error("refused: {0:?} is not an http or https URL")]
    Scheme(String),
    #[error("refused: URL {0:?} has no host")]
    NoHost(String),
}

/// Whether `ip` is an ordinary public unicast address: not loopback,
/// private, link-local, shared (CGNAT), documentation, benchmarking,
/// multicast, broadcast, reserved or unspecified. IPv4 addresses embedded in
/// IPv6 (mapped, compatible, NAT64, 6to4) are judged by their IPv4 part.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0                                   // "this network"
        || a == 10                             // private
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || a == 127                            // loopback
        || (a == 169 && b == 254)              // link-local (cloud metadata)
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0)      // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)      // TEST-NET-1
        || (a == 192 && b == 88 && c == 99)    // 6to4 relay anycast
        || (a == 192 && b == 168)              // private
        || (a == 198 && (b == 18 || b == 19))  // benchmarking
        || (a == 198 && b == 51 && c == 100)   // TEST-NET-2
        || (a == 203 && b == 0 && c == 113)    // TEST-NET-3
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || (s[0] & 0xff00) == 0xff00                  // multicast
        || (s[0] & 0xfe00) == 0xfc00                  // unique local
        || (s[0] & 0xffc0) == 0xfe80                  // link-local
        || (s[0] & 0xffc0) == 0xfec0                  // site-local (deprecated)
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])   // discard-only
        || (s[0] == 0x2001 && s[1] == 0x0db8)         // documentation
        || (s[0] == 0x2001 && s[1] < 0x0200)          // IETF assignments, Teredo
        || s[0] == 0x3fff) // documentation (RFC 9637)
}

/// The IPv4 address carried inside an IPv6 one, for the forms that route to
/// it: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), the
/// NAT64 well-known prefix (`64:ff9b::/96`) and 6to4 (`2002:AABB:CCDD::/48`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let o = ip.octets();
    let tail = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    if s[..5] == [0; 5]
        && (s[5] == 0xffff || (s[5] == 0 && !ip.is_loopback() && !ip.is_unspecified()))
    {
        return Some(tail);
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0; 4] {
        return Some(tail);
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(o[2], o[3], o[4], o[5]));
    }
    None
}

/// Checks a URL before it is requested (and each redirect target): the
/// scheme must be HTTP(S), and an IP-literal host must be public unless
/// `allow_private` is set. Names are left to [`GuardedResolver`].
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), GuardError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(GuardError::Scheme(url.to_string()));
    }
    let host = url
        .host()
        .ok_or_else(|| GuardError::NoHost(url.to_string()))?;
    if allow_private {
        return Ok(());
    }
    let ip = match host {
        Host::Ipv4(v4) => IpAddr::V4(v4),
        Host::Ipv6(v6) => IpAddr::V6(v6),
        Host::Domain(_) => return Ok(()),
    };
    if is_public(ip) {
        Ok(())
    } else {
        Err(GuardError::NonPublicAddress {
            host: url.host_str().unwrap_or("").to_string(),
            addr: ip,
        })
    }
}

/// A reqwest DNS resolver that returns only public addresses.
#[derive(Debug, Clone, Default)]
pub struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let lookup = host.clone();
            // The system resolver blocks; port 0 is replaced by the URL's.
            let addrs: Vec<SocketAddr> =
                tokio::task::spawn_blocking(move || (lookup.as_str(), 0).to_socket_addrs())
                    .await
                    .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)??
                    .collect();
            let public = filter_public(&host, addrs)?;
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// Keeps the public addresses of a resolved name; an error when none is
/// left, naming what was refused.
pub fn filter_public(host: &str, addrs: Vec<SocketAddr>) -> Result<Vec<SocketAddr>, GuardError> {
    let (public, refused): (Vec<_>, Vec<_>) = addrs.into_iter().partition(|a| is_public(a.ip()));
    if public.is_empty() {
        let addrs = refused
            .iter()
            .map(|a| a.ip().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(GuardError::NonPublicName {
            host: host.to_string(),
            addrs,
        });
    }
    Ok(public)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn non_public_addresses_are_recognised() {
        for s in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.18.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip(s)), "{s} should not be public");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for s in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "2a00:1450:4001::200e",
        ] {
            assert!(is_public(ip(s)), "{s} should be public");
        }
    }

    #[test]
    fn ip_literal_urls_are_checked_and_names_left_to_the_resolver() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(check_url(&u("http://127.0.0.1:8080/x"), false).is_err());
        assert!(check_url(&u("http://[::1]/x"), false).is_err());
        // The url crate normalises odd IPv4 spellings before we see them.
        assert!(check_url(&u("http://0x7f000001/"), false).is_err());
        assert!(check_url(&u("http://2130706433/"), false).is_err());
        assert!(check_url(&u("http://169.254.169.254/latest/meta-data"), false).is_err());
        assert!(check_url(&u("http://127.0.0.1:8080/x"), true).is_ok());
        assert!(check_url(&u("https://example.com/"), false).is_ok());
        assert!(matches!(
            check_url(&u("file:///etc/passwd"), true),
            Err(GuardError::Scheme(_))
        ));
    }

    #[test]
    fn names_resolving_only_to_private_addresses_are_refused() {
        let a = |s: &str| SocketAddr::new(ip(s), 0);
        assert!(filter_public("localhost", vec![a("127.0.0.1"), a("::1")]).is_err());
        let mixed = filter_public("x", vec![a("10.0.0.1"), a("93.184.216.34")]).unwrap();
        assert_eq!(mixed, vec![a("93.184.216.34")]);
    }
}
