//! Configuring a [`Client`]: the API key, the base URL, and the timing and
//! retry settings ([`Config`]).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{Client, Inner};
use crate::error::{Error, Setting};
use crate::tls::{self, ExtraRoots};

/// An API key. Its `Debug` prints `[redacted]`, and it has no `Display`,
/// so it never shows in logs, errors or panic messages, and
/// `format!("Bearer {key}")` does not compile (instead of sending a
/// placeholder); [`ApiKey::expose_secret`] is the one way out:
///
/// ```compile_fail
/// let key = remix_client::ApiKey::new("sk-123");
/// let header = format!("Bearer {}", key);
/// ```
///
/// ```
/// let key = remix_client::ApiKey::new("sk-123");
/// assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
/// assert_eq!(format!("Bearer {}", key.expose_secret()), "Bearer sk-123");
/// ```
///
/// It is not zeroized on drop (as `secrecy`'s secrets are): the key has to
/// be copied into the `Authorization` header `reqwest` keeps for the
/// client's whole life, which no crate zeroizes, so wiping this copy would
/// promise more than it delivers. That header is marked sensitive, so
/// `reqwest` and `http` never print it either.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The key itself, for the one place that must send it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey(key.to_string())
    }
}

/// The client's timing and retry settings. Every default is chosen for a
/// 10 MiB upload over a modest link. Set them one by one on
/// [`ClientBuilder`], or all at once with [`ClientBuilder::config`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Config {
    /// Time to open the connection. Default 10 s.
    pub connect_timeout: Duration,
    /// Time for one attempt, upload and answer. Default 120 s: a 10 MiB
    /// upload at 1 Mbit/s takes about 84 s.
    pub attempt_timeout: Duration,
    /// Time for the whole call, retries and waits included. Default 300 s.
    pub deadline: Duration,
    /// Retries after the first attempt. Default 2 (three attempts);
    /// 0 disables retries.
    pub max_retries: u32,
    /// The first backoff step. Default 500 ms; step `n` is drawn uniformly
    /// from `0 ..= min(max_backoff, initial_backoff * 2^(n-1))`.
    pub initial_backoff: Duration,
    /// The largest backoff step. Default 10 s.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honored; a longer one is cut to this.
    /// Default 60 s.
    pub max_retry_after: Duration,
    /// Whether 500, 502 and 504 are retried. Default false: each may come
    /// after the API accepted (and charged for) the job (a gateway timeout
    /// often means the upstream went on and billed the image), so a retry
    /// could pay twice. What is retried by default (no connection, 408,
    /// 429, 503) says the work was not done; see [`Outcome`](crate::Outcome).
    pub retry_server_errors: bool,
    /// The largest success body read. Default 1 MiB.
    pub max_response_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(120),
            deadline: Duration::from_secs(300),
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            retry_server_errors: false,
            max_response_bytes: 1024 * 1024,
        }
    }
}

impl Config {
    /// Checks the settings that cannot work.
    fn check(&self) -> Result<(), Error> {
        for (setting, value) in [
            (Setting::ConnectTimeout, self.connect_timeout),
            (Setting::AttemptTimeout, self.attempt_timeout),
            (Setting::Deadline, self.deadline),
        ] {
            if value.is_zero() {
                return Err(Error::config(setting, "must be longer than zero"));
            }
        }
        if self.initial_backoff > self.max_backoff {
            return Err(Error::config(
                Setting::Backoff,
                format!(
                    "the initial step ({:?}) is longer than the largest ({:?})",
                    self.initial_backoff, self.max_backoff
                ),
            ));
        }
        Ok(())
    }
}

/// Builds a [`Client`]. Only the API key is required.
#[derive(Clone, Default)]
#[must_use = "call .build() to get the client"]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    allow_insecure_http: bool,
    roots: ExtraRoots,
    config: Config,
    on_retry: Option<RetryObserver>,
    http: Option<HttpHook>,
    http_client: Option<reqwest::Client>,
    connect_timeout_set: bool,
    user_agent_suffix: Option<String>,
    max_in_flight: Option<u32>,
    on_lowered: Option<super::limit::LoweredObserver>,
}

/// A caller's changes to the `reqwest::ClientBuilder` the client is built
/// from.
type HttpHook = Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

/// What [`ClientBuilder::on_retry`] is told before each retry.
#[derive(Debug)]
#[non_exhaustive]
pub struct RetryEvent<'a> {
    /// The attempt that failed (1 for the first).
    pub attempt: u32,
    /// Why it failed (an API error with its status and reason, say).
    pub error: &'a Error,
    /// How long the client waits before the next attempt.
    pub wait: Duration,
}

pub(super) type RetryObserver = Arc<dyn Fn(&RetryEvent<'_>) + Send + Sync>;

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer KEY`.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The base URL; default [`remix_raw::DEFAULT_BASE_URL`]. `http://` is
    /// refused unless the host is loopback or
    /// [`ClientBuilder::allow_insecure_http`] is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows an `http://` base URL on a host that is not loopback (the key
    /// and the image then travel in clear text).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Trusts the root certificates in `pem` (PEM text, one or more
    /// certificates) besides the platform's: for a private gateway, or a
    /// server whose certificate authority is your own. Checked by
    /// [`ClientBuilder::build`].
    pub fn root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.roots.add(pem.into());
        self
    }

    /// Calls `observer` before every retry, with the failure and the wait:
    /// to log retries, or to slow down when the server says too many
    /// images are in flight (a 429 with reason `inflight_limit`).
    pub fn on_retry(mut self, observer: impl Fn(&RetryEvent<'_>) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(Arc::new(observer));
        self
    }

    /// Changes the [`reqwest::ClientBuilder`](crate::reqwest::ClientBuilder)
    /// the client is built from: a proxy, default headers, HTTP/2
    /// settings, a local address, timeouts of your own.
    ///
    /// The builder `hook` gets already has this crate's settings, so the
    /// hook may change them: the connect timeout
    /// ([`Config::connect_timeout`]), the user agent
    /// (`remix-client/VERSION`, see [`ClientBuilder::user_agent_suffix`]),
    /// the TLS backend and [`ClientBuilder::root_certificates_pem`]. Two
    /// settings are applied after it and always hold: redirects are never
    /// followed (an upload is never resent elsewhere), and the API key is
    /// sent as `Authorization: Bearer KEY`, marked sensitive (default
    /// headers the hook sets are kept beside it). The per-attempt timeout
    /// and the deadline are this crate's own, around each call. The
    /// platform's proxy settings (`HTTPS_PROXY`, `NO_PROXY`, ...) apply
    /// unless the hook says `.no_proxy()`.
    ///
    /// ```
    /// use remix_client::{Client, reqwest};
    ///
    /// let client = Client::builder()
    ///     .api_key("YOUR_API_KEY")
    ///     .configure_http(|http| {
    ///         let mut headers = reqwest::header::HeaderMap::new();
    ///         headers.insert("x-team", reqwest::header::HeaderValue::from_static("imaging"));
    ///         http.default_headers(headers).http1_only()
    ///     })
    ///     .build()?;
    /// # Ok::<(), remix_client::Error>(())
    /// ```
    pub fn configure_http(
        mut self,
        hook: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.http = Some(Arc::new(hook));
        self
    }

    /// Sends every request with `client`, your own
    /// [`reqwest::Client`](crate::reqwest::Client), instead of one this
    /// crate builds: to share its connection pool, or a client your
    /// platform team has set up (proxies, default headers, middleware
    /// that wraps its connector, HTTP/2 settings).
    ///
    /// Your client's own settings apply as it was built: its proxies, its
    /// default headers, its TLS backend and roots, its connect timeout, its
    /// user agent and its redirect policy (this crate's never follows one,
    /// reqwest's default follows up to 10; the remix answer is never a
    /// redirect, so a redirect means a gateway between you and the API).
    /// This crate still sends the API key as `Authorization: Bearer KEY` on
    /// every request, marked sensitive, and still applies
    /// [`Config::attempt_timeout`], [`Config::deadline`], the retries and
    /// [`ClientBuilder::max_in_flight`] around each call. The settings that
    /// only shape a client this crate builds
    /// ([`ClientBuilder::configure_http`], [`ClientBuilder::user_agent_suffix`],
    /// [`ClientBuilder::root_certificates_pem`], [`Config::connect_timeout`])
    /// are refused beside it by [`ClientBuilder::build`], naming the setting,
    /// rather than dropped.
    ///
    /// ```
    /// use remix_client::{Client, reqwest};
    ///
    /// let mut headers = reqwest::header::HeaderMap::new();
    /// headers.insert("x-team", reqwest::header::HeaderValue::from_static("imaging"));
    /// let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    /// let client = Client::builder()
    ///     .api_key("YOUR_API_KEY")
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok::<(), remix_client::Error>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Adds `suffix` to the `User-Agent` (`remix-client/VERSION suffix`),
    /// to name your application in the API's logs.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// At most `n` requests open at once over this client and every clone
    /// of it (the others wait their turn). When the API answers 429 with
    /// reason `inflight_limit`, the limit drops below the number open then
    /// (at least 1) for the rest of the client's life. Without it, no
    /// limit. 0 is refused by [`ClientBuilder::build`].
    pub fn max_in_flight(mut self, n: u32) -> Self {
        self.max_in_flight = Some(n);
        self
    }

    /// Calls `observer` with the old and the new limit whenever the API's
    /// `inflight_limit` answers lower [`ClientBuilder::max_in_flight`].
    pub fn on_max_in_flight_lowered(mut self, observer: impl Fn(u32, u32) + Send + Sync + 'static) -> Self {
        self.on_lowered = Some(Arc::new(observer));
        self
    }

    /// Every timing and retry setting at once, replacing those set before.
    pub fn config(mut self, config: Config) -> Self {
        self.connect_timeout_set = config.connect_timeout != Config::default().connect_timeout;
        self.config = config;
        self
    }

    /// See [`Config::connect_timeout`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self.connect_timeout_set = true;
        self
    }

    /// See [`Config::attempt_timeout`].
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.config.attempt_timeout = timeout;
        self
    }

    /// See [`Config::deadline`].
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.config.deadline = deadline;
        self
    }

    /// See [`Config::max_retries`].
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.config.max_retries = retries;
        self
    }

    /// See [`Config::initial_backoff`] and [`Config::max_backoff`].
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.config.initial_backoff = initial;
        self.config.max_backoff = max;
        self
    }

    /// See [`Config::max_retry_after`].
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.config.max_retry_after = max;
        self
    }

    /// See [`Config::retry_server_errors`].
    pub fn retry_server_errors(mut self, retry: bool) -> Self {
        self.config.retry_server_errors = retry;
        self
    }

    /// See [`Config::max_response_bytes`].
    pub fn max_response_bytes(mut self, max: usize) -> Self {
        self.config.max_response_bytes = max;
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the [`Setting`] at fault: no API key, a base
    /// URL that is not `https://` (or `http://` on loopback), a zero
    /// timeout, an initial backoff longer than the largest, root
    /// certificates that are not PEM, or a setting that shapes a client
    /// this crate builds beside [`ClientBuilder::http_client`].
    ///
    /// ```
    /// use remix_client::{Client, Error, Setting};
    ///
    /// let err = Client::builder().build().unwrap_err();
    /// assert!(matches!(err, Error::Config { setting: Setting::ApiKey, .. }));
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        let key = self.api_key.as_ref().ok_or_else(|| {
            Error::config(
                Setting::ApiKey,
                "no API key was given (set it with .api_key(..) or REMIX_API_KEY)",
            )
        })?;
        let base_url = check_base_url(
            self.base_url.as_deref().unwrap_or(remix_raw::DEFAULT_BASE_URL),
            self.allow_insecure_http,
        )?;
        self.config.check()?;
        if self.max_in_flight == Some(0) {
            return Err(Error::config(Setting::MaxInFlight, "must be at least 1"));
        }
        if base_url.starts_with("https://") && !tls::HAS_TLS {
            return Err(Error::config(
                Setting::BaseUrl,
                "this build of remix-client has no TLS (enable its `rustls` or `native-tls` feature)",
            ));
        }
        let authorization = authorization(key)?;
        let http = match self.http_client.clone() {
            Some(client) => {
                self.check_beside_a_client()?;
                client
            }
            None => self.build_http()?,
        };
        let raw = remix_raw::Client::new_with_client(&base_url, http.clone());
        Ok(Client {
            inner: Arc::new(Inner {
                raw,
                http,
                authorization,
                base_url,
                config: self.config,
                on_retry: self.on_retry,
                in_flight: self
                    .max_in_flight
                    .map(|n| super::limit::InFlight::new(n, self.on_lowered.clone())),
            }),
        })
    }
}

impl ClientBuilder {
    /// The `reqwest::Client` this crate builds: its connect timeout, user
    /// agent, TLS backend and roots, then the caller's hook, and never a
    /// redirect.
    fn build_http(&self) -> Result<reqwest::Client, Error> {
        let mut agent = concat!("remix-client/", env!("CARGO_PKG_VERSION")).to_string();
        if let Some(suffix) = self
            .user_agent_suffix
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            agent = format!("{agent} {suffix}");
        }
        let user_agent = reqwest::header::HeaderValue::try_from(agent)
            .map_err(|_| Error::config(Setting::UserAgent, "the suffix holds characters a header cannot carry"))?;
        let http = reqwest::Client::builder()
            .connect_timeout(self.config.connect_timeout)
            .user_agent(user_agent);
        let mut http = self.roots.apply(http)?;
        if let Some(hook) = &self.http {
            http = hook(http);
        }
        http.redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::config(Setting::HttpClient, format!("reqwest could not build the client: {e}")))
    }

    /// Refuses the settings that only shape a client this crate builds,
    /// when the caller brought one.
    fn check_beside_a_client(&self) -> Result<(), Error> {
        let refused = |setting, what: &str| {
            Err(Error::config(
                setting,
                format!(
                    "{what} shapes the HTTP client this crate builds, and http_client(..) gave one already; set it on your own reqwest::Client"
                ),
            ))
        };
        if self.http.is_some() {
            return refused(Setting::HttpClient, "configure_http(..)");
        }
        if self.user_agent_suffix.is_some() {
            return refused(Setting::UserAgent, "user_agent_suffix(..)");
        }
        if !self.roots.is_empty() {
            return refused(Setting::RootCertificates, "root_certificates_pem(..)");
        }
        if self.connect_timeout_set {
            return refused(Setting::ConnectTimeout, "the connect timeout");
        }
        Ok(())
    }
}

/// `Bearer KEY`, marked sensitive so that neither `http` nor `reqwest`
/// prints it.
fn authorization(key: &ApiKey) -> Result<reqwest::header::HeaderValue, Error> {
    let secret = key.expose_secret();
    if secret.trim().is_empty() {
        return Err(Error::config(Setting::ApiKey, "the API key is empty"));
    }
    let mut value = reqwest::header::HeaderValue::try_from(format!("Bearer {secret}"))
        .map_err(|_| Error::config(Setting::ApiKey, "the API key holds characters a header cannot carry"))?;
    value.set_sensitive(true);
    Ok(value)
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("roots", &self.roots)
            .field("config", &self.config)
            .field("on_retry", &self.on_retry.is_some())
            .field("configure_http", &self.http.is_some())
            .field("http_client", &self.http_client.is_some())
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("max_in_flight", &self.max_in_flight)
            .finish()
    }
}

/// Checks a base URL and returns it without a trailing `/`.
fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let bad = |reason: String| Error::config(Setting::BaseUrl, reason);
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(format!("{url:?} is not a URL: {e}")))?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad(format!("{url:?} must not have a query or a fragment")));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("a base URL must not carry credentials".into()));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&parsed) => {}
        "http" => {
            return Err(bad(format!(
                "{url:?} uses http:// on a host that is not loopback; the key and the image would travel \
                 in clear text (use https://, or allow_insecure_http(true) if you mean it)"
            )));
        }
        other => return Err(bad(format!("{url:?} has scheme {other:?}; use https://"))),
    }
    if parsed.host().is_none() {
        return Err(bad(format!("{url:?} has no host")));
    }
    Ok(url.trim_end_matches('/').to_string())
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_never_prints() {
        let key = ApiKey::new("sk-secret-123");
        assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
        let builder = Client::builder().api_key("sk-secret-123");
        assert!(!format!("{builder:?}").contains("sk-secret"), "{builder:?}");
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            check_base_url("https://api.chainhub.tech/", false).unwrap(),
            "https://api.chainhub.tech"
        );
        assert!(check_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(check_base_url("http://localhost:8080", false).is_ok());
        assert!(check_base_url("http://[::1]:8080", false).is_ok());
        let err = check_base_url("http://example.com", false).unwrap_err().to_string();
        assert!(err.contains("base_url") && err.contains("http://"), "{err}");
        assert!(check_base_url("http://example.com", true).is_ok());
        assert!(check_base_url("ftp://example.com", false).is_err());
        assert!(check_base_url("not a url", false).is_err());
        assert!(check_base_url("https://user:pw@example.com", false).is_err());
        assert!(check_base_url("https://example.com/?q=1", false).is_err());
    }

    #[test]
    fn building_without_a_key_names_the_setting() {
        let err = Client::builder().build().unwrap_err();
        assert!(
            matches!(
                err,
                Error::Config {
                    setting: Setting::ApiKey,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_whole_config_replaces_the_settings() {
        let mut config = Config {
            max_retries: 7,
            ..Config::default()
        };
        let client = Client::builder()
            .api_key("k")
            .max_retries(1)
            .config(config.clone())
            .build()
            .unwrap();
        assert_eq!(client.config(), &config);
        config.deadline = Duration::ZERO;
        let err = Client::builder().api_key("k").config(config).build().unwrap_err();
        assert!(
            matches!(
                err,
                Error::Config {
                    setting: Setting::Deadline,
                    ..
                }
            ),
            "{err}"
        );
    }
}
