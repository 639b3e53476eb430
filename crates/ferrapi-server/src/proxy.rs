//! Proxy headers: `X-Forwarded-For`, `X-Forwarded-Proto`, `X-Forwarded-Prefix` and RFC 7239
//! `Forwarded`, honoured only from trusted peers (`--forwarded-allow-ips`).
//!
//! Reproduces uvicorn's `ProxyHeadersMiddleware`: trust is decided by the connecting peer's
//! address (IPs, CIDR networks, or `*`); the client is the right-most untrusted hop of
//! `X-Forwarded-For` (the left-most if every hop is trusted), with `[v6]:port` and `v4:port`
//! forms understood and port 0 otherwise; `X-Forwarded-Proto` sets the scheme. Beyond uvicorn:
//! RFC 7239 `Forwarded` (preferred when present) and `X-Forwarded-Prefix` (sets the root
//! path). For Unix-socket connections, which have no peer address, the headers are trusted
//! when the list holds `*` or `unix`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use http::header::{HeaderMap, HeaderName};

use crate::scope::{Scheme, Scope};

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_PREFIX: HeaderName = HeaderName::from_static("x-forwarded-prefix");
const FORWARDED: HeaderName = HeaderName::from_static("forwarded");

/// The peers whose proxy headers are believed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedProxies {
    all: bool,
    unix: bool,
    nets: Vec<(IpAddr, u8)>,
}

impl Default for TrustedProxies {
    /// Loopback only (`127.0.0.1,::1`), uvicorn's default.
    fn default() -> Self {
        TrustedProxies {
            all: false,
            unix: false,
            nets: vec![
                (IpAddr::V4(Ipv4Addr::LOCALHOST), 32),
                (IpAddr::V6(Ipv6Addr::LOCALHOST), 128),
            ],
        }
    }
}

impl std::str::FromStr for TrustedProxies {
    type Err = String;

    /// Parses a comma-separated list of IPs, CIDR networks (`10.0.0.0/8`), `unix`, or `*`.
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        let mut trusted = TrustedProxies {
            all: false,
            unix: false,
            nets: Vec::new(),
        };
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item {
                "*" => trusted.all = true,
                "unix" => trusted.unix = true,
                _ => {
                    let (ip, prefix) = match item.split_once('/') {
                        Some((ip, prefix)) => (ip, Some(prefix)),
                        None => (item, None),
                    };
                    let ip: IpAddr = ip
                        .parse()
                        .map_err(|_| format!("{item:?} is not an IP address or network"))?;
                    let max = if ip.is_ipv4() { 32 } else { 128 };
                    let prefix = match prefix {
                        None => max,
                        Some(p) => p
                            .parse::<u8>()
                            .ok()
                            .filter(|&p| p <= max)
                            .ok_or_else(|| format!("{item:?} has an invalid prefix length"))?,
                    };
                    trusted.nets.push((ip, prefix));
                }
            }
        }
        Ok(trusted)
    }
}

impl TrustedProxies {
    /// Whether a connection from `peer` (`None` for a Unix socket) may set proxy headers.
    pub fn trusts(&self, peer: Option<IpAddr>) -> bool {
        if self.all {
            return true;
        }
        match peer {
            None => self.unix,
            Some(ip) => self.contains(ip),
        }
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets
            .iter()
            .any(|&(net, prefix)| in_network(ip, canonical(net), prefix))
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, as a dual-stack socket reports IPv4 peers)
/// compare as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

fn in_network(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// Applies the proxy headers of a request from a trusted peer to its scope.
pub(crate) fn apply(
    scope: &mut Scope,
    headers: &HeaderMap,
    proxies: &TrustedProxies,
    base_root: &Arc<str>,
) {
    if headers.contains_key(FORWARDED) {
        apply_forwarded(scope, headers, proxies);
    } else {
        if let Some(proto) = last_value(headers, &X_FORWARDED_PROTO) {
            set_scheme(scope, &proto);
        }
        if headers.contains_key(X_FORWARDED_FOR) {
            let hops: Vec<String> = list_values(headers, &X_FORWARDED_FOR);
            scope.set_client(pick_client(&hops, proxies));
        }
    }
    if let Some(prefix) = last_value(headers, &X_FORWARDED_PREFIX) {
        let prefix = prefix.trim_end_matches('/');
        if prefix.starts_with('/') && !prefix.contains(['?', '#']) {
            scope.set_root_path(format!("{prefix}{base_root}"));
        }
    }
}

fn apply_forwarded(scope: &mut Scope, headers: &HeaderMap, proxies: &TrustedProxies) {
    let mut hops = Vec::new();
    let mut proto = None;
    for element in list_values(headers, &FORWARDED) {
        for pair in element.split(';') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"');
            match key.trim().to_ascii_lowercase().as_str() {
                "for" => hops.push(value.to_string()),
                "proto" => proto = Some(value.to_string()),
                _ => {}
            }
        }
    }
    if let Some(proto) = proto {
        set_scheme(scope, &proto);
    }
    if !hops.is_empty() {
        scope.set_client(pick_client(&hops, proxies));
    }
}

fn set_scheme(scope: &mut Scope, proto: &str) {
    match proto.trim().to_ascii_lowercase().as_str() {
        "https" | "wss" => scope.set_scheme(Scheme::Https),
        "http" | "ws" => scope.set_scheme(Scheme::Http),
        _ => {}
    }
}

/// The right-most hop that is not a trusted proxy, or the left-most when all are trusted.
fn pick_client(hops: &[String], proxies: &TrustedProxies) -> Option<SocketAddr> {
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(addr) if proxies.trusts(Some(addr.ip())) => continue,
            other => return other,
        }
    }
    hops.first().and_then(|h| parse_hop(h))
}

/// `1.2.3.4`, `1.2.3.4:80`, `::1`, `[::1]`, `[::1]:80`; `None` for `unknown` and obfuscated
/// identifiers.
fn parse_hop(hop: &str) -> Option<SocketAddr> {
    let hop = hop.trim();
    if let Ok(addr) = hop.parse::<SocketAddr>() {
        return Some(addr);
    }
    let bare = hop.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().ok().map(|ip| SocketAddr::new(ip, 0))
}

/// Every comma-separated item of every instance of a header, in order.
fn list_values(headers: &HeaderMap, name: &HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn last_value(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    list_values(headers, name).pop()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Version;

    fn scope(peer: &str) -> Scope {
        Scope::new(
            Some(peer.parse().unwrap()),
            None,
            Scheme::Http,
            Arc::from(""),
            Version::HTTP_11,
        )
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        map
    }

    #[test]
    fn parses_lists() {
        let t: TrustedProxies = "10.0.0.0/8, ::1, 192.168.1.1".parse().unwrap();
        assert!(t.trusts(Some("10.2.3.4".parse().unwrap())));
        assert!(t.trusts(Some("::ffff:10.2.3.4".parse().unwrap())));
        assert!(!t.trusts(Some("11.0.0.1".parse().unwrap())));
        assert!(t.trusts(Some("::1".parse().unwrap())));
        assert!(!t.trusts(None));
        assert!("*".parse::<TrustedProxies>().unwrap().trusts(None));
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("nonsense".parse::<TrustedProxies>().is_err());
    }

    #[test]
    fn uvicorn_example() {
        // anchors §1.7: from 127.0.0.1, `X-Forwarded-For: 1.2.3.4, 5.6.7.8` gives 5.6.7.8:0.
        let mut s = scope("127.0.0.1:5000");
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4, 5.6.7.8"),
            ("x-forwarded-proto", "https"),
        ]);
        apply(&mut s, &h, &TrustedProxies::default(), &Arc::from(""));
        assert_eq!(s.client(), Some("5.6.7.8:0".parse().unwrap()));
        assert_eq!(s.scheme(), Scheme::Https);
    }

    #[test]
    fn trusted_hops_are_skipped() {
        let t: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        let mut s = scope("127.0.0.1:5000");
        let h = headers(&[
            ("x-forwarded-for", "9.9.9.9:1234"),
            ("x-forwarded-for", "10.1.1.1"),
        ]);
        apply(&mut s, &h, &t, &Arc::from(""));
        assert_eq!(s.client(), Some("9.9.9.9:1234".parse().unwrap()));
        let mut s = scope("127.0.0.1:5000");
        let h = headers(&[("x-forwarded-for", "10.0.0.1, 10.0.0.2")]);
        apply(&mut s, &h, &t, &Arc::from(""));
        assert_eq!(s.client(), Some("10.0.0.1:0".parse().unwrap()));
    }

    #[test]
    fn rfc7239_forwarded() {
        let mut s = scope("127.0.0.1:5000");
        let h = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=https;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"",
        )]);
        apply(&mut s, &h, &TrustedProxies::default(), &Arc::from(""));
        assert_eq!(
            s.client(),
            Some("[2001:db8:cafe::17]:4711".parse().unwrap())
        );
        assert_eq!(s.scheme(), Scheme::Https);
    }

    #[test]
    fn prefix_sets_root_path() {
        let mut s = scope("127.0.0.1:5000");
        let h = headers(&[("x-forwarded-prefix", "/api/")]);
        apply(&mut s, &h, &TrustedProxies::default(), &Arc::from("/v1"));
        assert_eq!(s.root_path(), "/api/v1");
    }
}
