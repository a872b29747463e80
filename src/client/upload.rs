//! `client.worksome.uploadFile(blob, options)`: the three steps of a Worksome file upload in one
//! call — `uploadFiles` for a temporary URL, a `PUT` of the bytes to it, `markFilesAsUploaded` —
//! resolving with the `File` record. Each step's failure rejects with the usual coded error and
//! `details.step` naming the step ("uploadFiles", "put", "markFilesAsUploaded"), so an app knows
//! whether a temporary file was created and whether its bytes arrived.

use super::errors::SdkError;
use super::js;
use super::WorksomeApi;
use crate::api::formats::kind_of;
use crate::api::validate::Invalid;
use crate::api::worksome::API;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[wasm_bindgen(typescript_custom_section)]
const TS_UPLOAD: &'static str = r#"
/** Options of `client.worksome.uploadFile`. */
export interface WorksomeUploadOptions {
  /** The ID of the account that owns the file. */
  owner: string | number;
  /** The file's name; defaults to `file.name` when a `File` is given (required for a bare `Blob`). */
  name?: string;
  /** The IANA MIME type; defaults to the blob's `type`, else `application/octet-stream`. */
  mimeType?: string;
}
"#;

/// Which step failed, for `details.step` and the message.
const STEPS: [&str; 3] = ["uploadFiles", "put", "markFilesAsUploaded"];

/// Adds `details.step` and a "uploadFile: <step>: " message prefix to a rejected call's error.
fn at_step(step: &str, err: JsValue) -> JsValue {
    if let Some(e) = err.dyn_ref::<js_sys::Error>() {
        e.set_message(&format!("uploadFile: {step}: {}", String::from(e.message())));
        let details = js_sys::Reflect::get(e, &"details".into()).unwrap_or(JsValue::UNDEFINED);
        let details = if details.is_object() { details } else { js_sys::Object::new().into() };
        let _ = js_sys::Reflect::set(&details, &"step".into(), &step.into());
        let _ = js_sys::Reflect::set(e, &"details".into(), &details);
    }
    err
}

/// What `uploadFile` reads of its `file`, read without letting an exception unwind through Rust.
struct BlobInfo {
    size: u64,
    mime: String,
    /// A `File`'s name.
    name: Option<String>,
}

impl BlobInfo {
    /// None unless `file` is a real `Blob`. The parameter's type is not checked by the glue, and
    /// `instanceof` is not enough (`Object.create(Blob.prototype)`, a Proxy of a Blob): the
    /// `size` getter throws on those, and web-sys's `size()` is not `catch`, so read it with
    /// `Reflect.get`, which is.
    fn read(file: &web_sys::Blob) -> Option<BlobInfo> {
        if !file.is_instance_of::<web_sys::Blob>() {
            return None;
        }
        let get = |k: &str| js_sys::Reflect::get(file, &k.into()).ok();
        let size = get("size")?.as_f64().filter(|n| *n >= 0.0)? as u64;
        let mime = get("type")?.as_string().unwrap_or_default();
        let name = if file.is_instance_of::<web_sys::File>() { get("name")?.as_string() } else { None };
        Some(BlobInfo { size, mime, name })
    }
}

fn invalid(path: &str, reason: &str) -> SdkError {
    SdkError::Validation { operation: "uploadFile".into(), invalid: Invalid { path: path.into(), reason: reason.into() } }
}

impl WorksomeApi {
    /// Runs one generated mutation by name and returns its `data`, or the rejection marked with its step.
    async fn step(&self, name: &str, args: Value) -> Result<Value, JsValue> {
        let Some(index) = API.operations.iter().position(|o| o.name == name) else {
            return Err(at_step(name, SdkError::Config(format!("the Worksome schema has no mutation {name}")).into()));
        };
        let answer = JsFuture::from(self.client.call(&API, index, js::to_js(&args))).await.map_err(|e| at_step(name, e))?;
        let answer = js::to_json(&answer).map_err(|e| at_step(name, SdkError::Config(e).into()))?;
        if answer["status"] != "sent" {
            // Queued: the temporary URL is needed now, so an upload cannot wait in the outbox. The
            // entry is dropped, or it would create an orphan temporary file when it drains later.
            let id = answer["id"].as_str().unwrap_or_default().to_string();
            let kept = match self.client.discard_entry(id.clone()).await {
                Ok(()) => String::new(),
                Err(e) => format!(" (and discarding entry {id} failed: {e:?}; discard it with client.outbox.discard)"),
            };
            let message = format!("{name} could not be sent now; uploading needs a connection{kept}");
            return Err(at_step(name, SdkError::Network { status: None, message, retry_after_ms: None }.into()));
        }
        Ok(answer["data"].clone())
    }

    async fn put(&self, url: &str, file: &web_sys::Blob, mime: &str) -> Result<(), JsValue> {
        let fail = |e: SdkError| at_step(STEPS[1], e.into());
        let network = |e: JsValue| {
            let message = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| "fetch failed".into());
            fail(SdkError::Network { status: None, message: format!("PUT {url}: {message}"), retry_after_ms: None })
        };
        let init = web_sys::RequestInit::new();
        init.set_method("PUT");
        init.set_body(file);
        let headers = web_sys::Headers::new().map_err(network)?;
        headers.set("content-type", mime).map_err(network)?;
        init.set_headers(&headers);
        let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(network)?;
        // The transport's `fetch`: a throw or a non-`Response` answer is an error, not a trap.
        let response = crate::transport::fetch::fetch(&request).await.map_err(network)?;
        let status = response.status();
        if (200..300).contains(&status) {
            return Ok(());
        }
        let body = match response.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
            Err(_) => String::new(),
        };
        let message = format!("PUT {url} answered HTTP {status}: {}", body.chars().take(300).collect::<String>());
        Err(fail(if status >= 500 || status == 408 || status == 429 {
            SdkError::Network { status: Some(status), message, retry_after_ms: None }
        } else {
            SdkError::Upload { status, message }
        }))
    }

    async fn upload(&self, file: web_sys::Blob, options: Result<Value, String>) -> Result<JsValue, JsValue> {
        let blob = BlobInfo::read(&file).ok_or_else(|| invalid("file", &format!("expected a Blob or File, got {}", js::describe(&file))))?;
        let opts = options.map_err(|r| JsValue::from(invalid("options", &r)))?;
        if !opts.is_object() {
            return Err(invalid("options", "expected an object with owner (and name, mimeType)").into());
        }
        let name = match (&opts["name"], blob.name) {
            (Value::String(n), _) => n.clone(),
            (Value::Null, Some(n)) => n,
            (Value::Null, None) => return Err(invalid("options.name", "is required when uploading a Blob that is not a File").into()),
            (other, _) => return Err(invalid("options.name", &format!("expected a string, got {}", kind_of(other))).into()),
        };
        let mime = match &opts["mimeType"] {
            Value::String(m) => m.clone(),
            Value::Null if !blob.mime.is_empty() => blob.mime,
            Value::Null => "application/octet-stream".to_string(),
            other => return Err(invalid("options.mimeType", &format!("expected a string, got {}", kind_of(other))).into()),
        };
        // `owner` is checked by uploadFiles' own validation (path input[0].owner).
        let input = json!([{ "owner": opts["owner"], "name": name, "size": blob.size, "mimeType": mime }]);
        let temporary = self.step(STEPS[0], input).await?;
        let (Some(id), Some(url)) = (temporary[0]["id"].as_str(), temporary[0]["url"].as_str()) else {
            return Err(at_step(STEPS[0], SdkError::Config(format!("the answer has no id and url: {temporary}")).into()));
        };
        self.put(url, &file, &mime).await?;
        let files = self.step(STEPS[2], json!({ "files": [id] })).await?;
        match files.as_array().and_then(|fs| fs.iter().find(|f| f["id"] == id)) {
            Some(f) => Ok(js::to_js(f)),
            None => Err(at_step(STEPS[2], SdkError::Config(format!("the answer does not include file {id}: {files}")).into())),
        }
    }
}

#[wasm_bindgen]
impl WorksomeApi {
    /// Uploads a `Blob`/`File` in one call: temporary URL, PUT of the bytes, mark as uploaded.
    /// Resolves with the `File` record; rejects with a coded error whose `details.step` says which
    /// step failed. Needs a connection (it does not queue).
    #[wasm_bindgen(js_name = uploadFile, unchecked_return_type = "Promise<Worksome.MarkFilesAsUploadedResult[number]>")]
    pub fn upload_file(
        &self,
        file: web_sys::Blob,
        #[wasm_bindgen(unchecked_param_type = "WorksomeUploadOptions")] options: JsValue,
    ) -> js_sys::Promise {
        let this = WorksomeApi { client: self.client.clone() };
        // The options as they are now (the app may reuse the object once this returns).
        let options = js::to_json(&options);
        future_to_promise(async move { this.upload(file, options).await })
    }
}
