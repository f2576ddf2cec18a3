//! Offset paging (README "Pagination").

use crate::error::AppError;
use crate::server::api::params::Params;

/// The largest page size; larger requests are clamped (and the clamped value is echoed).
pub const MAX_PAGE_SIZE: i64 = 500;

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: i64,
    pub page_size: i64,
}

impl Page {
    /// Reads `page` and `page_size` (or `fallback_size_key`, e.g. the reports' `limit`).
    pub fn from_params(
        params: &Params,
        default_size: i64,
        fallback_size_key: Option<&str>,
    ) -> Result<Page, AppError> {
        let page = params.int("page")?.unwrap_or(1);
        let size = match params.int("page_size")? {
            Some(size) => Some(size),
            None => match fallback_size_key {
                Some(key) => params.int(key)?,
                None => None,
            },
        };
        if page < 1 {
            return Err(AppError::bad_request("page must be at least 1"));
        }
        let page_size = size.unwrap_or(default_size);
        if page_size < 1 {
            return Err(AppError::bad_request("page_size must be at least 1"));
        }
        Ok(Page {
            page,
            page_size: page_size.min(MAX_PAGE_SIZE),
        })
    }

    /// Rows to skip; saturates instead of overflowing for absurd page numbers.
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.page_size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(v: serde_json::Value) -> Result<Page, String> {
        Page::from_params(&Params::from_value(v), 50, Some("limit")).map_err(|e| e.message())
    }

    #[test]
    fn rules() {
        assert_eq!(
            page(json!({})),
            Ok(Page {
                page: 1,
                page_size: 50
            })
        );
        assert_eq!(
            page(json!({"page": "3", "page_size": 9999})),
            Ok(Page {
                page: 3,
                page_size: 500
            })
        );
        assert_eq!(
            page(json!({"limit": 7})),
            Ok(Page {
                page: 1,
                page_size: 7
            })
        );
        assert_eq!(
            page(json!({"page": 0})),
            Err("page must be at least 1".into())
        );
        assert_eq!(
            page(json!({"page_size": 0})),
            Err("page_size must be at least 1".into())
        );
        assert_eq!(
            page(json!({"page": "x"})),
            Err("page - Invalid integer. Got: string.".into())
        );
        assert_eq!(
            Page {
                page: i64::MAX,
                page_size: 500
            }
            .offset(),
            i64::MAX
        );
    }
}
