/*
 * nodeguard: the JNI shim behind org.nodeguard.Native.
 *
 * Uses include/nodeguard.h only. Texts arrive as Java byte arrays of UTF-8
 * and are copied into NUL-terminated buffers, so that both pointer-and-length
 * and C-string calls can take them. Handles travel as the C pointer in a
 * jlong; the Java side owns each reference and releases it exactly once.
 *
 * A failing call throws org.nodeguard.NodeguardException, built from
 * ng_last_error() of the calling thread before any other nodeguard call can
 * overwrite it. A Java null where text is required throws
 * NullPointerException; a failed allocation throws OutOfMemoryError.
 */
#include <jni.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nodeguard.h"

#define HANDLE(type, j) ((type *)(intptr_t)(j))
#define JHANDLE(p) ((jlong)(intptr_t)(p))

/* Classes and constructors, resolved once in JNI_OnLoad. */
static jclass error_class;
static jmethodID error_ctor;
static jclass decision_class;
static jmethodID decision_ctor;

/* A Java byte[] copied into a NUL-terminated buffer; p is NULL for null. */
typedef struct jtext {
	char *p;
	size_t n;
} jtext;

static jclass global_class(JNIEnv *env, const char *name)
{
	jclass local = (*env)->FindClass(env, name);
	jclass global;

	if (!local)
		return NULL;
	global = (*env)->NewGlobalRef(env, local);
	(*env)->DeleteLocalRef(env, local);
	return global;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
	JNIEnv *env;

	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
		return JNI_ERR;
	error_class = global_class(env, "org/nodeguard/NodeguardException");
	decision_class = global_class(env, "org/nodeguard/Decision");
	if (!error_class || !decision_class)
		return JNI_ERR;

	error_ctor = (*env)->GetMethodID(env, error_class, "<init>",
					 "(I[BII[B)V");
	decision_ctor = (*env)->GetMethodID(env, decision_class, "<init>",
					    "(II[B[B)V");
	if (!error_ctor || !decision_ctor)
		return JNI_ERR;
	return JNI_VERSION_1_8;
}

/* ---------------------------------------------------------------------
 * Moving text and errors across.
 */

static void throw_named(JNIEnv *env, const char *cls, const char *msg)
{
	jclass c = (*env)->FindClass(env, cls);

	if (c)
		(*env)->ThrowNew(env, c, msg);
}

/* A byte[] of a C string; NULL (with an exception pending) on failure. */
static jbyteArray bytes_of(JNIEnv *env, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	jbyteArray a = (*env)->NewByteArray(env, (jsize)n);

	if (a && n)
		(*env)->SetByteArrayRegion(env, a, 0, (jsize)n,
					   (const jbyte *)s);
	return a;
}

/* Throws NodeguardException for `rc` with the thread's last error detail,
 * or with the code's text alone when the detail is of another error. */
static void throw_error(JNIEnv *env, int rc)
{
	const ng_error *e = ng_last_error();
	bool own = e->code == rc;
	const char *text = own && e->message[0] ? e->message : ng_strerror(rc);
	jbyteArray file, msg;
	jobject ex;

	file = bytes_of(env, own ? e->file : "");
	msg = file ? bytes_of(env, text) : NULL;
	if (!msg)
		return;
	ex = (*env)->NewObject(env, error_class, error_ctor, (jint)rc, file,
			       (jint)(own ? e->line : 0),
			       (jint)(own ? e->column : 0), msg);
	if (ex)
		(*env)->Throw(env, ex);
}

/* false, with an exception pending, when a required text is missing or
 * cannot be copied. */
static bool text_get(JNIEnv *env, jbyteArray a, bool required, jtext *t)
{
	jsize n;

	t->p = NULL;
	t->n = 0;
	if (!a) {
		if (required)
			throw_named(env, "java/lang/NullPointerException",
				    "nodeguard: text argument is null");
		return !required;
	}

	n = (*env)->GetArrayLength(env, a);
	t->p = malloc((size_t)n + 1);
	if (!t->p) {
		throw_named(env, "java/lang/OutOfMemoryError", "nodeguard");
		return false;
	}
	(*env)->GetByteArrayRegion(env, a, 0, n, (jbyte *)t->p);
	t->p[n] = '\0';
	t->n = (size_t)n;
	return true;
}

static void text_free(jtext *t)
{
	free(t->p);
	t->p = NULL;
}

/* The handle `h` made by a call that returned `rc`, or 0 after throwing. */
static jlong handle_or_throw(JNIEnv *env, int rc, void *h)
{
	if (rc != 0) {
		throw_error(env, rc);
		return 0;
	}
	return JHANDLE(h);
}

static void check(JNIEnv *env, int rc)
{
	if (rc != 0)
		throw_error(env, rc);
}

/* ---------------------------------------------------------------------
 * Errors, policies, metadata.
 */

JNIEXPORT jbyteArray JNICALL
Java_org_nodeguard_Native_strerror(JNIEnv *env, jclass c, jint code)
{
	return bytes_of(env, ng_strerror(code));
}

static ng_policy_options policy_options(const jtext *settings)
{
	ng_policy_options o = NG_POLICY_OPTIONS_INIT;

	o.node_settings = settings->p;
	return o;
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_policyLoad(JNIEnv *env, jclass c, jbyteArray jdir,
				     jbyteArray jsettings)
{
	jtext dir, settings;
	ng_policy_options o;
	ng_policy *p = NULL;
	int rc;

	if (!text_get(env, jdir, true, &dir))
		return 0;
	if (!text_get(env, jsettings, false, &settings)) {
		text_free(&dir);
		return 0;
	}

	o = policy_options(&settings);
	rc = ng_policy_load(dir.p, &o, &p);
	text_free(&dir);
	text_free(&settings);
	return handle_or_throw(env, rc, p);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_policyRelease(JNIEnv *env, jclass c, jlong p)
{
	ng_policy_release(HANDLE(ng_policy, p));
}

JNIEXPORT jbyteArray JNICALL
Java_org_nodeguard_Native_policyId(JNIEnv *env, jclass c, jlong p)
{
	return bytes_of(env, ng_policy_id(HANDLE(ng_policy, p)));
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_policyWarningCount(JNIEnv *env, jclass c, jlong p)
{
	return (jlong)ng_policy_warning_count(HANDLE(ng_policy, p));
}

JNIEXPORT jbyteArray JNICALL
Java_org_nodeguard_Native_policyWarning(JNIEnv *env, jclass c, jlong p, jlong i)
{
	const char *w = ng_policy_warning(HANDLE(ng_policy, p), (size_t)i);

	return bytes_of(env, w);
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_metadataParse(JNIEnv *env, jclass c, jbyteArray jjson)
{
	jtext json;
	ng_metadata *m = NULL;
	int rc;

	if (!text_get(env, jjson, true, &json))
		return 0;
	rc = ng_metadata_parse(json.p, json.n, &m);
	text_free(&json);
	return handle_or_throw(env, rc, m);
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_metadataLoad(JNIEnv *env, jclass c, jbyteArray jpath)
{
	jtext path;
	ng_metadata *m = NULL;
	int rc;

	if (!text_get(env, jpath, true, &path))
		return 0;
	rc = ng_metadata_load(path.p, &m);
	text_free(&path);
	return handle_or_throw(env, rc, m);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_metadataRelease(JNIEnv *env, jclass c, jlong m)
{
	ng_metadata_release(HANDLE(ng_metadata, m));
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_metadataIndexCount(JNIEnv *env, jclass c, jlong m)
{
	return (jlong)ng_metadata_index_count(HANDLE(ng_metadata, m));
}

/* ---------------------------------------------------------------------
 * Engines and nodes.
 */

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_engineNew(JNIEnv *env, jclass c, jlong p, jlong m)
{
	ng_engine *e = NULL;
	int rc;

	rc = ng_engine_new(HANDLE(ng_policy, p), HANDLE(ng_metadata, m), &e);

	return handle_or_throw(env, rc, e);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_engineRelease(JNIEnv *env, jclass c, jlong e)
{
	ng_engine_release(HANDLE(ng_engine, e));
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_nodeNew(JNIEnv *env, jclass c)
{
	ng_node *n = NULL;
	int rc = ng_node_new(&n);

	return handle_or_throw(env, rc, n);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_nodeFree(JNIEnv *env, jclass c, jlong n)
{
	ng_node_free(HANDLE(ng_node, n));
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_nodeLoadPolicy(JNIEnv *env, jclass c, jlong n,
					 jbyteArray jdir, jbyteArray jsettings)
{
	jtext dir, settings;
	ng_policy_options o;
	int rc;

	if (!text_get(env, jdir, true, &dir))
		return;
	if (!text_get(env, jsettings, false, &settings)) {
		text_free(&dir);
		return;
	}

	o = policy_options(&settings);
	rc = ng_node_load_policy(HANDLE(ng_node, n), dir.p, &o);
	text_free(&dir);
	text_free(&settings);
	check(env, rc);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_nodeSetPolicy(JNIEnv *env, jclass c, jlong n, jlong p)
{
	check(env,
	      ng_node_set_policy(HANDLE(ng_node, n), HANDLE(ng_policy, p)));
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_nodeSetMetadata(JNIEnv *env, jclass c, jlong n,
					  jlong m)
{
	check(env, ng_node_set_metadata(HANDLE(ng_node, n),
					HANDLE(ng_metadata, m)));
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_nodeAcquire(JNIEnv *env, jclass c, jlong n)
{
	ng_engine *e = ng_node_acquire(HANDLE(ng_node, n));

	if (!e)
		throw_error(env, NG_ENOTREADY);
	return JHANDLE(e);
}

/* ---------------------------------------------------------------------
 * Requests.
 */

typedef int (*request_setter)(ng_request *r, const char *s, size_t len);

/* The field numbers of Native.java. */
enum {
	REQ_ID = 0,
	REQ_USER = 1,
	REQ_BACKEND_ROLE = 2,
	REQ_ROLE = 3,
	REQ_ADDRESS = 4,
	REQ_CERT_DN = 5,
	REQ_TRANSPORT_INDEX = 6
};

static const request_setter setters[] = {
	[REQ_ID] = ng_request_set_id,
	[REQ_USER] = ng_request_set_user,
	[REQ_BACKEND_ROLE] = ng_request_add_backend_role,
	[REQ_ROLE] = ng_request_add_role,
	[REQ_ADDRESS] = ng_request_set_address,
	[REQ_CERT_DN] = ng_request_set_cert_dn,
	[REQ_TRANSPORT_INDEX] = ng_request_add_transport_index,
};

#define N_SETTERS (sizeof(setters) / sizeof(setters[0]))

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_requestNew(JNIEnv *env, jclass c)
{
	ng_request *r = NULL;
	int rc = ng_request_new(&r);

	return handle_or_throw(env, rc, r);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_requestFree(JNIEnv *env, jclass c, jlong r)
{
	ng_request_free(HANDLE(ng_request, r));
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_requestFromJson(JNIEnv *env, jclass c,
					  jbyteArray jjson)
{
	jtext json;
	ng_request *r = NULL;
	int rc;

	if (!text_get(env, jjson, true, &json))
		return 0;
	rc = ng_request_from_json(json.p, json.n, &r);
	text_free(&json);
	return handle_or_throw(env, rc, r);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_requestSet(JNIEnv *env, jclass c, jlong r, jint field,
				     jbyteArray jval)
{
	jtext value;

	if (field < 0 || (size_t)field >= N_SETTERS) {
		throw_named(env, "java/lang/IllegalArgumentException",
			    "nodeguard: unknown request field");
		return;
	}
	if (!text_get(env, jval, true, &value))
		return;
	check(env, setters[field](HANDLE(ng_request, r), value.p, value.n));
	text_free(&value);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_requestAddAttribute(JNIEnv *env, jclass c, jlong r,
					      jbyteArray jkey,
					      jbyteArray jval)
{
	jtext key, value;

	if (!text_get(env, jkey, true, &key))
		return;
	if (text_get(env, jval, true, &value)) {
		check(env, ng_request_add_attribute(HANDLE(ng_request, r),
						    key.p, key.n, value.p,
						    value.n));
		text_free(&value);
	}
	text_free(&key);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_requestSetRest(JNIEnv *env, jclass c, jlong r,
					 jbyteArray jmethod, jbyteArray jpath,
					 jbyteArray jbody)
{
	jtext method, path, body = { NULL, 0 };

	if (!text_get(env, jmethod, true, &method))
		return;
	if (text_get(env, jpath, true, &path) &&
	    text_get(env, jbody, false, &body))
		check(env, ng_request_set_rest(HANDLE(ng_request, r), method.p,
					       method.n, path.p, path.n, body.p,
					       body.n));
	text_free(&method);
	text_free(&path);
	text_free(&body);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_requestSetTransport(JNIEnv *env, jclass c, jlong r,
					      jbyteArray jaction,
					      jbyteArray jpeer)
{
	jtext action, peer;

	if (!text_get(env, jaction, true, &action))
		return;
	if (text_get(env, jpeer, false, &peer)) {
		check(env, ng_request_set_transport(HANDLE(ng_request, r),
						    action.p, action.n, peer.p,
						    peer.n));
		text_free(&peer);
	}
	text_free(&action);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_requestSetTime(JNIEnv *env, jclass c, jlong r,
					 jlong epoch_ms)
{
	check(env,
	      ng_request_set_time(HANDLE(ng_request, r), (int64_t)epoch_ms));
}

JNIEXPORT jbyteArray JNICALL
Java_org_nodeguard_Native_requestId(JNIEnv *env, jclass c, jlong r)
{
	return bytes_of(env, ng_request_id(HANDLE(ng_request, r)));
}

/* ---------------------------------------------------------------------
 * Deciding. The decision is copied into a Java value and freed at once.
 */

static jobject decision_object(JNIEnv *env, const ng_decision *d)
{
	jbyteArray reason = bytes_of(env, ng_decision_reason(d));
	jbyteArray json;

	if (!reason)
		return NULL;
	json = bytes_of(env, ng_decision_json(d));
	if (!json)
		return NULL;
	return (*env)->NewObject(env, decision_class, decision_ctor,
				 (jint)ng_decision_status(d),
				 (jint)ng_decision_verdict(d), reason, json);
}

JNIEXPORT jobject JNICALL
Java_org_nodeguard_Native_decide(JNIEnv *env, jclass c, jlong e, jlong r)
{
	ng_decision *d = NULL;
	jobject out;
	int rc = ng_decide(HANDLE(ng_engine, e), HANDLE(ng_request, r), &d);

	if (rc != 0) {
		throw_error(env, rc);
		return NULL;
	}
	out = decision_object(env, d);
	ng_decision_free(d);
	return out;
}

/* ---------------------------------------------------------------------
 * Explaining and enumerating.
 */

JNIEXPORT jbyteArray JNICALL
Java_org_nodeguard_Native_explain(JNIEnv *env, jclass c, jlong e, jlong r)
{
	char *json = NULL;
	jbyteArray out;
	int rc;

	rc = ng_explain(HANDLE(ng_engine, e), HANDLE(ng_request, r), &json);
	if (rc != 0) {
		throw_error(env, rc);
		return NULL;
	}
	out = bytes_of(env, json);
	ng_free(json);
	return out;
}

/* The engine's inputs are borrowed as const; a new reference is taken on
 * them, which the Java handle gives back. */
JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_enginePolicy(JNIEnv *env, jclass c, jlong e)
{
	const ng_policy *p = ng_engine_policy(HANDLE(ng_engine, e));

	return JHANDLE(ng_policy_retain((ng_policy *)p));
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_engineMetadata(JNIEnv *env, jclass c, jlong e)
{
	const ng_metadata *m = ng_engine_metadata(HANDLE(ng_engine, e));

	return JHANDLE(ng_metadata_retain((ng_metadata *)m));
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_policyRoleCount(JNIEnv *env, jclass c, jlong p)
{
	return (jlong)ng_policy_role_count(HANDLE(ng_policy, p));
}

JNIEXPORT jbyteArray JNICALL
Java_org_nodeguard_Native_policyRoleName(JNIEnv *env, jclass c, jlong p,
					 jlong i)
{
	return bytes_of(env, ng_policy_role_name(HANDLE(ng_policy, p),
						 (size_t)i));
}

/* The names of `n` as a byte[][]; NULL with an exception pending. */
static jobjectArray names_array(JNIEnv *env, const ng_names *n)
{
	size_t count = ng_names_count(n);
	jclass bytes = (*env)->FindClass(env, "[B");
	jobjectArray out;

	if (!bytes)
		return NULL;
	out = (*env)->NewObjectArray(env, (jsize)count, bytes, NULL);
	for (size_t i = 0; out && i < count; i++) {
		jbyteArray name = bytes_of(env, ng_names_get(n, i));

		if (!name)
			return NULL;
		(*env)->SetObjectArrayElement(env, out, (jsize)i, name);
		(*env)->DeleteLocalRef(env, name);
	}
	return out;
}

JNIEXPORT jobjectArray JNICALL
Java_org_nodeguard_Native_policyUsers(JNIEnv *env, jclass c, jlong p)
{
	ng_names *names = NULL;
	jobjectArray out;
	int rc = ng_policy_users(HANDLE(ng_policy, p), &names);

	if (rc != 0) {
		throw_error(env, rc);
		return NULL;
	}
	out = names_array(env, names);
	ng_names_free(names);
	return out;
}

JNIEXPORT jbyteArray JNICALL
Java_org_nodeguard_Native_metadataIndexName(JNIEnv *env, jclass c, jlong m,
					    jlong i)
{
	return bytes_of(env, ng_metadata_index_name(HANDLE(ng_metadata, m),
						    (size_t)i));
}

/* ---------------------------------------------------------------------
 * Lint. Findings are read field by field, named by the numbers of
 * Native.java.
 */

enum { LINT_RULE = 0, LINT_FILE = 1, LINT_MESSAGE = 2 };
enum { LINT_SEVERITY = 0, LINT_LINE = 1, LINT_COLUMN = 2 };
enum { RULE_ID = 0, RULE_SUMMARY = 1 };

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_lintRun(JNIEnv *env, jclass c, jbyteArray jdir,
				  jbyteArray jmetadata)
{
	jtext dir, metadata;
	ng_lint_result *r = NULL;
	int rc;

	if (!text_get(env, jdir, true, &dir))
		return 0;
	if (!text_get(env, jmetadata, false, &metadata)) {
		text_free(&dir);
		return 0;
	}

	rc = ng_lint_run(dir.p, metadata.p, &r);
	text_free(&dir);
	text_free(&metadata);
	return handle_or_throw(env, rc, r);
}

JNIEXPORT void JNICALL
Java_org_nodeguard_Native_lintFree(JNIEnv *env, jclass c, jlong r)
{
	ng_lint_result_free(HANDLE(ng_lint_result, r));
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_lintCount(JNIEnv *env, jclass c, jlong r)
{
	return (jlong)ng_lint_count(HANDLE(ng_lint_result, r));
}

JNIEXPORT jbyteArray JNICALL
Java_org_nodeguard_Native_lintText(JNIEnv *env, jclass c, jlong jr, jlong i,
				   jint field)
{
	const ng_lint_result *r = HANDLE(ng_lint_result, jr);

	switch (field) {
	case LINT_RULE:
		return bytes_of(env, ng_lint_rule(r, (size_t)i));
	case LINT_FILE:
		return bytes_of(env, ng_lint_file(r, (size_t)i));
	default: /* LINT_MESSAGE */
		return bytes_of(env, ng_lint_message(r, (size_t)i));
	}
}

JNIEXPORT jint JNICALL
Java_org_nodeguard_Native_lintNumber(JNIEnv *env, jclass c, jlong jr, jlong i,
				     jint field)
{
	const ng_lint_result *r = HANDLE(ng_lint_result, jr);

	switch (field) {
	case LINT_SEVERITY:
		return (jint)ng_lint_severity(r, (size_t)i);
	case LINT_LINE:
		return ng_lint_line(r, (size_t)i);
	default: /* LINT_COLUMN */
		return ng_lint_column(r, (size_t)i);
	}
}

JNIEXPORT jlong JNICALL
Java_org_nodeguard_Native_lintRuleCount(JNIEnv *env, jclass c)
{
	return (jlong)ng_lint_rule_count();
}

JNIEXPORT jbyteArray JNICALL
Java_org_nodeguard_Native_lintRuleText(JNIEnv *env, jclass c, jlong i,
				       jint field)
{
	if (field == RULE_ID)
		return bytes_of(env, ng_lint_rule_id((size_t)i));
	return bytes_of(env, ng_lint_rule_summary((size_t)i));
}

JNIEXPORT jint JNICALL
Java_org_nodeguard_Native_lintRuleSeverity(JNIEnv *env, jclass c, jlong i)
{
	return (jint)ng_lint_rule_severity((size_t)i);
}
