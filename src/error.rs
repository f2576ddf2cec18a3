//! The one error type of steward.
//!
//! [`AppError`] (server only) is what every service function returns; [`AppError::status`] and
//! [`AppError::body`] are the single place where an error becomes an HTTP status and a JSON body.
//! Server functions carry the same status and body to the panel as a [`PanelError`].

use serde::{Deserialize, Serialize};

/// An error as the panel sees it: the HTTP status and the `error` text the REST API would answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelError {
    pub status: u16,
    pub message: String,
}

impl PanelError {
    /// True when the session is gone and the panel should send the person to the login page.
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 403 && self.message == "Invalid credentials."
    }
}

impl std::fmt::Display for PanelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PanelError {}

impl leptos::server_fn::error::FromServerFnError for PanelError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        let (status, message) = match value {
            E::Request(m) => (0, format!("Network error: {m}")),
            E::Args(m) | E::MissingArg(m) => (400, m),
            other => (500, other.to_string()),
        };
        PanelError { status, message }
    }
}

#[cfg(feature = "ssr")]
pub use server_side::AppError;

#[cfg(feature = "ssr")]
mod server_side {
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};
    use serde_json::{json, Value};

    use super::PanelError;

    /// Every failure a request can end in. Internal causes are logged, never sent to clients.
    #[derive(Debug, thiserror::Error)]
    pub enum AppError {
        /// 404 `{"error":"Not found"}`.
        #[error("Not found")]
        NotFound,
        /// 404 with another text (`Record not found`, `No such permission_group`).
        #[error("{0}")]
        NotFoundWith(String),
        /// 400 `{"error": ...}`: invalid parameters or a refused operation.
        #[error("{0}")]
        BadRequest(String),
        /// 400 with the generic validation shape: one `(field, message)` per problem.
        #[error("validation failed")]
        Validation(Vec<(String, String)>),
        /// 403 `{"error": ...}`.
        #[error("{0}")]
        Forbidden(String),
        /// 413 `{"error":"Request body too large."}`.
        #[error("Request body too large.")]
        TooLarge,
        /// 422 `{"error": ...}` (client-API content rules).
        #[error("{0}")]
        Unprocessable(String),
        /// 429 `{"error":"Throttled"}`.
        #[error("Throttled")]
        Throttled,
        /// Any status with a body that has its own documented shape (token endpoint states, 409 arrays).
        #[error("{0}")]
        Shaped(StatusCode, Value),
        /// 503: a dependency failed; the text names it.
        #[error("{0}")]
        Unavailable(String),
        /// A database error; logged, answered as 503.
        #[error("database error: {0}")]
        Database(#[from] sqlx::Error),
        /// A defect; logged, answered as 500.
        #[error("internal error: {0}")]
        Internal(String),
    }

    impl AppError {
        pub fn bad_request(message: impl Into<String>) -> Self {
            AppError::BadRequest(message.into())
        }

        pub fn forbidden(message: impl Into<String>) -> Self {
            AppError::Forbidden(message.into())
        }

        pub fn internal(cause: impl std::fmt::Display) -> Self {
            AppError::Internal(cause.to_string())
        }

        /// `Missing field: <field>.` in the validation shape.
        pub fn missing(field: &str) -> Self {
            AppError::Validation(vec![(
                field.to_string(),
                format!("Missing field: {field}."),
            )])
        }

        /// `<field> - <message>` in the validation shape.
        pub fn invalid(field: &str, message: impl Into<String>) -> Self {
            AppError::Validation(vec![(field.to_string(), message.into())])
        }

        /// The HTTP status of this error: the only place where that mapping lives.
        pub fn status(&self) -> StatusCode {
            match self {
                AppError::NotFound | AppError::NotFoundWith(_) => StatusCode::NOT_FOUND,
                AppError::BadRequest(_) | AppError::Validation(_) => StatusCode::BAD_REQUEST,
                AppError::Forbidden(_) => StatusCode::FORBIDDEN,
                AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
                AppError::Shaped(status, _) => *status,
                AppError::Unavailable(_) | AppError::Database(_) => StatusCode::SERVICE_UNAVAILABLE,
                AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            }
        }

        /// The JSON body of this error.
        pub fn body(&self) -> Value {
            match self {
                AppError::Validation(items) => {
                    let errors: Vec<Value> = items
                        .iter()
                        .map(|(field, message)| {
                            json!({"title": "Invalid value", "source": {"pointer": format!("/{field}")}, "message": message})
                        })
                        .collect();
                    let joined = items
                        .iter()
                        .map(|(_, m)| m.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    json!({"error": joined, "errors": errors})
                }
                AppError::Shaped(_, body) => body.clone(),
                AppError::Database(_) => json!({"error": "Database unavailable"}),
                AppError::Internal(_) => json!({"error": "Something went wrong"}),
                other => json!({"error": other.to_string()}),
            }
        }

        /// The `error` text, as the panel shows it.
        pub fn message(&self) -> String {
            match self.body().get("error") {
                Some(Value::String(s)) => s.clone(),
                _ => self.to_string(),
            }
        }

        fn log(&self) {
            match self {
                AppError::Database(e) => tracing::error!(error = %e, "database error"),
                AppError::Internal(e) => tracing::error!(error = %e, "internal error"),
                _ => {}
            }
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            self.log();
            let mut response = (self.status(), axum::Json(self.body())).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            response
        }
    }

    impl From<AppError> for PanelError {
        fn from(error: AppError) -> Self {
            error.log();
            PanelError {
                status: error.status().as_u16(),
                message: error.message(),
            }
        }
    }

    impl From<serde_json::Error> for AppError {
        fn from(error: serde_json::Error) -> Self {
            AppError::Internal(format!("json: {error}"))
        }
    }
}
