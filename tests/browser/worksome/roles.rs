//! The documented role rules (one forbidden call per rule kind, with its stable code and no
//! effect), validation before anything is sent, and the upload helper.

use super::*;
use serde_json::json;
use wasm_bindgen::JsCast;

#[wasm_bindgen_test]
async fn only_companies_can_create_jobs() {
    let (code, message) = refused(api(WORKER).await.create_job(arg(json!({"company": "1", "name": "Sneaky job", "skills": []})), None)).await;
    assert_eq!(code, "COMPANY_ONLY");
    assert!(message.contains("Only companies can"), "{message}");
}

#[wasm_bindgen_test]
async fn only_workers_can_create_timesheets() {
    let args = json!({"worker": "3", "hire": "110", "startDate": "2026-11-02", "endDate": "2026-11-08"});
    let (code, message) = refused(api(COMPANY).await.create_timesheet(arg(args), None)).await;
    assert_eq!(code, "WORKER_ONLY");
    assert!(message.contains("Only workers can"), "{message}");
}

#[wasm_bindgen_test]
async fn only_recruiters_can_add_candidates() {
    let args = json!({"recruiter": "5", "firstName": "No", "lastName": "Body", "email": "nobody@candidate.test", "currency": "DKK", "tags": [], "links": []});
    let (code, message) = refused(api(COMPANY).await.create_recruiter_candidate(arg(args), None)).await;
    assert_eq!(code, "RECRUITER_ONLY");
    assert!(message.contains("Only recruiters can"), "{message}");
}

#[wasm_bindgen_test]
async fn only_the_company_or_the_recruiter_can_delete_their_relationship() {
    let (code, _) = refused(api(WORKER).await.delete_company_recruiter(arg(json!({"id": "140"})), None)).await;
    assert_eq!(code, "COMPANY_OR_RECRUITER_ONLY");
    let (code, _) = refused(api(COMPANY).await.delete_recruiter_candidate(arg(json!({"id": "180"})), None)).await;
    assert_eq!(code, "RECRUITER_OR_CANDIDATE_ONLY");
    // Neither refused call had an effect.
    let back = read(COMPANY, r#"{ companyRecruiter(id: "140") { id } recruiterCandidate(id: "180") { id } }"#).await;
    assert_eq!(back, json!({"companyRecruiter": {"id": "140"}, "recruiterCandidate": {"id": "180"}}));
}

#[wasm_bindgen_test]
async fn the_right_role_of_another_account_is_forbidden() {
    // Compared with the name before rather than the fixture's, so a test that renames job 100
    // cannot break this one; what matters is that the refused call changed nothing.
    let before = read(COMPANY, r#"{ job(id: "100") { name } }"#).await["job"]["name"].clone();
    assert!(before.is_string() && before != "Taken over", "{before}");
    let (code, _) = refused(api(OTHER_COMPANY).await.update_job(arg(json!({"id": "100", "name": "Taken over"})), None)).await;
    assert_eq!(code, "FORBIDDEN");
    assert_eq!(read(COMPANY, r#"{ job(id: "100") { name } }"#).await["job"]["name"], before, "a refused change is not applied");
}

#[wasm_bindgen_test]
async fn bad_nested_input_is_rejected_before_sending() {
    let before = applied().await.as_array().unwrap().len();
    let args = json!({"worker": "3", "hire": "110", "startDate": "2026-11-02", "endDate": "2026-11-08", "registrations": [
        {"type": "DAY", "date": "2026-11-02", "duration": 8, "unit": "HOURS"},
        {"type": "DAY", "date": "2026-11-03", "duration": 8, "unit": "HOURS"},
        {"type": "DAY", "date": "2026-11-04", "startTime": "8:00", "duration": 8, "unit": "HOURS"}]});
    let e = settle(api(WORKER).await.create_timesheet(arg(args), None)).await.expect_err("invalid");
    let (name, message, details) = error_parts(&e);
    assert_eq!(name, "ValidationError");
    assert_eq!(details["path"], "input.registrations[2].startTime", "{message}");
    let e = settle(api(WORKER).await.update_timesheet(arg(json!({"id": "1", "startDate": "2026-13-01"})), None)).await.expect_err("invalid");
    assert_eq!(error_parts(&e).2["path"], "input.startDate");
    assert_eq!(applied().await.as_array().unwrap().len(), before, "nothing reached the server");
}

fn file(parts: &str, name: &str, mime: &str) -> web_sys::Blob {
    let f = js_sys::Function::new_with_args("p, n, t", "return n ? new File([p], n, { type: t }) : new Blob([p], { type: t })");
    f.call3(&wasm_bindgen::JsValue::NULL, &parts.into(), &name.into(), &mime.into()).unwrap().unchecked_into()
}

#[wasm_bindgen_test]
async fn upload_file_does_the_three_steps_in_one_call() {
    let body = "hello from the upload helper";
    let f = settle(api(COMPANY).await.upload_file(file(body, "hello.txt", "text/plain"), arg(json!({"owner": "1"})))).await;
    let f = f.unwrap_or_else(|e| panic!("uploadFile: {:?}", error_parts(&e)));
    assert_eq!((f["name"].as_str(), f["size"].as_i64(), f["mimeType"].as_str()), (Some("hello.txt"), Some(body.len() as i64), Some("text/plain")));
    let back = read(COMPANY, &format!(r#"{{ file(id: "{}") {{ name url }} }}"#, id(&f))).await;
    assert_eq!(back["file"]["name"], "hello.txt");
    assert_eq!(http("GET", back["file"]["url"].as_str().unwrap(), None).await, (200, body.to_string()), "the bytes arrived");
    let log = applied().await;
    let ops: Vec<&str> = log.as_array().unwrap().iter().rev().take(2).map(|e| e["operation"].as_str().unwrap()).collect();
    assert_eq!(ops, ["markFilesAsUploaded", "uploadFiles"]);
}

#[wasm_bindgen_test]
async fn upload_file_errors_name_the_failing_step() {
    let w = api(COMPANY).await;
    let e = settle(w.upload_file(file("x", "", "text/plain"), arg(json!({"owner": "1"})))).await.expect_err("a Blob needs a name");
    let (name, _, details) = error_parts(&e);
    assert_eq!((name.as_str(), details["path"].as_str()), ("ValidationError", Some("options.name")));
    let e = settle(w.upload_file(file("x", "x.txt", "text/plain"), arg(json!({"owner": "2"})))).await.expect_err("not Cleo's account");
    let (name, message, details) = error_parts(&e);
    assert_eq!((name.as_str(), details["step"].as_str()), ("GraphQLError", Some("uploadFiles")), "{message}");
    assert_eq!(details["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert!(message.starts_with("uploadFile: uploadFiles: "), "{message}");
    let e = settle(w.upload_file(file("x", "x.txt", "text/plain"), arg(json!({})))).await.expect_err("owner is required");
    let (name, _, details) = error_parts(&e);
    assert_eq!((name.as_str(), details["path"].as_str(), details["step"].as_str()), ("ValidationError", Some("input[0].owner"), Some("uploadFiles")));
}

#[wasm_bindgen_test]
async fn an_offline_upload_rejects_and_leaves_nothing_in_the_outbox() {
    // The Worksome endpoint is unreachable: uploadFiles would queue, but the temporary URL is
    // needed now, so the call fails and its entry must not drain later (an orphan file record).
    let opts = js(&format!(r#"{{"user":"uploader","database":"{}","endpoints":{{"worksome":"http://127.0.0.1:9/graphql/worksome"}}}}"#, fresh_db()));
    let token = js_sys::Function::new_with_args("api", &format!("return {COMPANY:?}"));
    js_sys::Reflect::set(&opts, &"token".into(), &token).unwrap();
    let c = open(opts).await;
    let e = settle(c.worksome().upload_file(file("bytes", "offline.txt", "text/plain"), arg(json!({"owner": "1"}))))
        .await
        .expect_err("no connection");
    let (name, message, details) = error_parts(&e);
    assert_eq!((name.as_str(), details["step"].as_str()), ("NetworkError", Some("uploadFiles")), "{message}");
    assert!(message.contains("uploading needs a connection"), "{message}");
    let left = settle(c.outbox().list(wasm_bindgen::JsValue::UNDEFINED)).await.expect("list");
    let states: Vec<(&str, &str)> = left.as_array().unwrap().iter().map(|e| (e["operation"].as_str().unwrap(), e["state"].as_str().unwrap())).collect();
    // Discarded entries stay listed as tombstones (so settled() can answer); they are never sent.
    assert_eq!(states, [("uploadFiles", "discarded")], "the queued uploadFiles entry was discarded");
}

/// Runs `uploadFile` while the page's `fetch` answers every PUT with `status` (other requests pass
/// through), then restores `fetch` before anything is asserted.
async fn upload_with_put_answering(status: u16) -> wasm_bindgen::JsValue {
    let patch = js_sys::Function::new_with_args(
        "status",
        "const real = globalThis.fetch; globalThis.__realFetch = real;
         globalThis.fetch = (input, init) => {
           const method = (init && init.method) || (input instanceof Request ? input.method : 'GET');
           return method === 'PUT' ? Promise.resolve(new Response('{\"error\":{\"code\":\"TEST\"}}', { status })) : real(input, init);
         };",
    );
    let restore = js_sys::Function::new_no_args("globalThis.fetch = globalThis.__realFetch;");
    let w = api(COMPANY).await;
    patch.call1(&wasm_bindgen::JsValue::NULL, &status.into()).unwrap();
    let r = settle(w.upload_file(file("bytes", "p.txt", "text/plain"), arg(json!({"owner": "1"})))).await;
    restore.call0(&wasm_bindgen::JsValue::NULL).unwrap();
    r.expect_err("the PUT was refused")
}

#[wasm_bindgen_test]
async fn a_refused_put_is_an_upload_error_and_nothing_is_marked() {
    let before = applied().await.as_array().unwrap().len();
    let (name, message, details) = error_parts(&upload_with_put_answering(403).await);
    assert_eq!((name.as_str(), details["step"].as_str(), details["status"].as_u64()), ("UploadError", Some("put"), Some(403)), "{message}");
    assert!(message.starts_with("uploadFile: put: PUT http"), "{message}");
    let (name, _, details) = error_parts(&upload_with_put_answering(503).await);
    assert_eq!((name.as_str(), details["step"].as_str()), ("NetworkError", Some("put")), "a 5xx may be retried");
    let log = applied().await;
    let ops: Vec<&str> = log.as_array().unwrap()[before..].iter().map(|e| e["operation"].as_str().unwrap()).collect();
    assert_eq!(ops, ["uploadFiles", "uploadFiles"], "markFilesAsUploaded never ran");
}
