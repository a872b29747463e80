//! The HTTP router: one GraphQL route per API, health, test routes, static files, CORS.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// The whole server as an axum router.
pub fn app(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new().route("/health", get(|| async { "ok" }));
    for (i, rt) in state.apis.iter().enumerate() {
        let handler = move |State(st): State<AppState>, headers: HeaderMap, body: Bytes| {
            crate::graphql::handle(st, i, headers, body)
        };
        router = router.route(&format!("/graphql/{}", rt.def.name), post(handler));
    }
    router = router.merge(crate::worksome::routes());
    if state.test_mode.is_some() {
        router = router
            .merge(crate::test_mode::routes())
            .merge(crate::worksome::test_routes());
    }
    router
        .fallback(crate::static_files::serve)
        .layer(axum::middleware::from_fn(crate::cors::cors))
        .with_state(state)
}

/// Serves `app(state)` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
