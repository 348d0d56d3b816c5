#include "CPKCS11.h"
#include <dlfcn.h>
#include <string.h>

static void copy_error(char *error, unsigned long error_len, const char *message) {
    if (error == NULL || error_len == 0) return;
    if (message == NULL) message = "unknown error";
    strncpy(error, message, error_len - 1);
    error[error_len - 1] = '\0';
}

int kc_pkcs11_load(const char *path, CK_FUNCTION_LIST_PTR *list, char *error, unsigned long error_len) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        copy_error(error, error_len, dlerror());
        return -1;
    }
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(handle, "C_GetFunctionList");
    if (get == NULL) {
        copy_error(error, error_len, "the library has no C_GetFunctionList symbol; it is not a PKCS#11 module");
        return -1;
    }
    CK_RV rv = get(list);
    if (rv != CKR_OK || *list == NULL) {
        copy_error(error, error_len, "C_GetFunctionList failed");
        return -1;
    }
    return 0;
}

void kc_secure_zero(void *buffer, unsigned long length) {
    volatile unsigned char *p = (volatile unsigned char *)buffer;
    while (length--) *p++ = 0;
}
