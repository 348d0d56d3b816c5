#ifndef KEYCEREMONY_CPKCS11_H
#define KEYCEREMONY_CPKCS11_H

/* The PKCS#11 2.40 API as p11-kit ships it. p11-kit's header is self-contained
 * (it defines CK_PTR, CK_DECLARE_FUNCTION etc. itself), so nothing else is needed. */
#include "/usr/include/p11-kit-1/p11-kit/pkcs11.h"

/* Macros that contain casts do not import into Swift; these constants stand in. */
static const CK_ULONG KC_CK_UNAVAILABLE_INFORMATION = (CK_ULONG)-1;
static const CK_ULONG KC_CKM_VENDOR_DEFINED = 0x80000000UL;

/* Opens a PKCS#11 module with dlopen and fetches its function list.
 * Returns 0 on success; on failure returns -1 and copies dlerror() into `error`.
 * The handle is never closed: modules stay loaded for the life of the process. */
int kc_pkcs11_load(const char *path, CK_FUNCTION_LIST_PTR *list, char *error, unsigned long error_len);

/* Wipes memory in a way the optimiser may not remove. */
void kc_secure_zero(void *buffer, unsigned long length);

#endif
