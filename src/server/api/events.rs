//! `GET /api/steward/events` (steward extension): the panel's live event stream
//! ([`crate::server::events`]).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;

use super::request::ApiRequest;
use crate::error::AppError;
use crate::server::events::{self, LiveEvent, Subscription};
use crate::server::state::AppState;

fn sse_event(event: &LiveEvent) -> Event {
    Event::default()
        .event(event.name)
        .data(event.data.to_string())
}

/// The stream of one subscription: `ready` first, then every event until shutdown. A stream that
/// fell behind skips what it missed (the next event carries the current count anyway).
fn event_stream(subscription: Subscription) -> impl Stream<Item = Result<Event, Infallible>> {
    let first = sse_event(&subscription.ready);
    let rest = stream::unfold(
        (subscription.events, subscription.closing),
        |(mut events, mut closing)| async move {
            loop {
                if *closing.borrow() {
                    return None;
                }
                tokio::select! {
                    received = events.recv() => match received {
                        Ok(event) => return Some((Ok(sse_event(&event)), (events, closing))),
                        Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => return None,
                    },
                    changed = closing.changed() => {
                        if changed.is_err() {
                            return None;
                        }
                    }
                }
            }
        },
    );
    futures_util::StreamExt::chain(stream::once(async move { Ok(first) }), rest)
}

/// `GET /api/steward/events`: panel session cookie or bearer token; `reports_manage_reports`.
pub async fn stream(State(state): State<AppState>, req: ApiRequest) -> Result<Response, AppError> {
    let subscription = events::subscribe(&state, &req.caller).await?;
    let mut response = Sse::new(event_stream(subscription))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    // Proxies such as nginx would otherwise hold events back.
    response.headers_mut().insert(
        "x-accel-buffering",
        axum::http::HeaderValue::from_static("no"),
    );
    Ok(response)
}
