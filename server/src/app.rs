//! The HTTP router: one GraphQL route per API, health, test routes, static files, CORS.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Extension;
use axum::Router;

use crate::conn::{Conn, CutListener};
use crate::state::AppState;

/// The whole server as an axum router.
pub fn app(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new().route("/health", get(|| async { "ok" }));
    for (i, rt) in state.apis.iter().enumerate() {
        // The connection's cut switch is there when served by `serve` (test mode's "drop the
        // response after commit" needs it); a router driven some other way has none.
        let handler = move |State(st): State<AppState>,
                            conn: Option<Extension<ConnectInfo<Conn>>>,
                            headers: HeaderMap,
                            body: Bytes| {
            crate::graphql::handle(
                st,
                i,
                conn.map(|Extension(ConnectInfo(c))| c),
                headers,
                body,
            )
        };
        router = router.route(&format!("/graphql/{}", rt.def.name), post(handler));
    }
    router = router.merge(crate::worksome::routes());
    if state.test_mode.is_some() {
        router = router
            .merge(crate::test_mode::routes())
            .merge(crate::worksome::test_routes());
    }
    let test_mode = state.test_mode.is_some();
    let mut router = router
        .fallback(crate::static_files::serve)
        .layer(axum::middleware::from_fn(crate::cors::cors));
    if test_mode {
        router = router.layer(axum::middleware::from_fn(
            crate::test_mode::close_connections,
        ));
    }
    router.with_state(state)
}

/// Serves `app(state)` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = app(state).into_make_service_with_connect_info::<Conn>();
    axum::serve(CutListener(listener), service)
        .with_graceful_shutdown(shutdown)
        .await
}
