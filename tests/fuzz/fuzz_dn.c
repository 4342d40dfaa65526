/*
 * A certificate subject: as the cert_dn of a REST request (matched against
 * admin_dn) and as the peer_dn of a transport request (against nodes_dn).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char path[] = "/.opendistro_security/_search";
	static const char act[] = "indices:data/read/search";
	ng_request *r = NULL;

	if (!ng_request_new(&r) && !ng_request_set_user(r, "nobody", 6) &&
	    !ng_request_set_cert_dn(r, (const char *)data, size) &&
	    !ng_request_set_rest(r, "GET", 3, path, strlen(path), NULL, 0))
		fz_decide(r);
	ng_request_free(r);

	r = NULL;
	if (!ng_request_new(&r) &&
	    !ng_request_set_transport(r, act, strlen(act), (const char *)data,
				      size) &&
	    !ng_request_add_transport_index(r, "logs-*", 6))
		fz_decide(r);
	ng_request_free(r);
	return 0;
}
