//! The extractor every JSON endpoint uses: merged parameters plus the resolved caller.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequest, Request};
use axum::http::{HeaderMap, Method};

use super::params::{Params, MAX_JSON_BODY};
use crate::error::AppError;
use crate::server::auth::caller::Credentials;
use crate::server::auth::Caller;
use crate::server::settings::Settings;
use crate::server::state::AppState;

/// One API request: who calls, with which parameters.
pub struct ApiRequest {
    pub params: Params,
    pub caller: Caller,
    pub settings: Arc<Settings>,
    pub headers: HeaderMap,
    pub method: Method,
    pub ip: IpAddr,
}

/// The client's address (the TCP peer; steward trusts no forwarding headers by default).
pub fn client_ip(extensions: &axum::http::Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

impl FromRequest<AppState> for ApiRequest {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let settings = state.settings().await?;
        let limit = usize::try_from(settings.upload_limit)
            .unwrap_or(MAX_JSON_BODY)
            .max(MAX_JSON_BODY);
        let bytes = axum::body::to_bytes(body, limit)
            .await
            .map_err(|_| AppError::TooLarge)?;
        let params = Params::parse(parts.uri.query(), &parts.headers, bytes).await?;
        let ip = client_ip(&parts.extensions);
        let creds = Credentials {
            method: &parts.method,
            headers: &parts.headers,
            access_token: params.string("access_token").ok().flatten(),
            admin_token: params.string("admin_token").ok().flatten(),
            ip,
        };
        let caller = Caller::resolve(state, settings.clone(), creds).await?;
        Ok(ApiRequest {
            params,
            caller,
            settings,
            headers: parts.headers,
            method: parts.method,
            ip,
        })
    }
}
