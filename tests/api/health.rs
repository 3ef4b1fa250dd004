use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use std::time::Duration;

on_both_backends!(healthz_answers_ok_when_the_database_answers);

async fn healthz_answers_ok_when_the_database_answers(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;

    let response = app.get("/healthz").await;

    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON body");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_503_while_postgresql_is_unreachable() {
    if !crate::helpers::postgres_available() {
        return;
    }
    let db = TestDatabase::new(Backend::Postgres).await;
    let app = TestApp::spawn(&db).await;
    assert_eq!(app.get("/healthz").await.status(), 200);

    db.drop_postgres_database().await;

    let status = eventually(Duration::from_secs(15), || async {
        let status = app.get("/healthz").await.status();
        (status != 200).then_some(status)
    })
    .await;
    assert_eq!(status, 503);
    let body: serde_json::Value = app.get("/healthz").await.json().await.expect("JSON body");
    assert_eq!(body["database"], "unreachable");
    app.stop().await;
}

on_both_backends!(unknown_paths_answer_404);

async fn unknown_paths_answer_404(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    assert_eq!(app.get("/no-such-page").await.status(), 404);
    app.stop().await;
}
