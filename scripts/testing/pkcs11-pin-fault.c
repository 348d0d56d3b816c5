/* A PKCS#11 module for tests that wraps SoftHSM2 and makes chosen tokens report PIN states
 * SoftHSM2 never reaches on its own: "final try" and "locked".
 *
 * Build: cc -shared -fPIC -o pin-fault.so pkcs11-pin-fault.c -ldl
 * The file named by KC_PIN_FAULT_FILE is read at every call; each line is "<token label> final-try"
 * or "<token label> locked". A token listed as final-try reports CKF_USER_PIN_FINAL_TRY; one listed
 * as locked reports CKF_USER_PIN_LOCKED and refuses C_Login with CKR_PIN_LOCKED, as a real
 * token does. Everything else is SoftHSM2's own answer. For tests only. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "/usr/include/p11-kit-1/p11-kit/pkcs11.h"

static CK_FUNCTION_LIST_PTR real;
static CK_FUNCTION_LIST wrapped;

/* 0: no fault; 1: final try; 2: locked. `label` is the 32-byte blank-padded token label. */
static int fault_for(const CK_UTF8CHAR *label) {
    const char *path = getenv("KC_PIN_FAULT_FILE");
    if (!path) return 0;
    FILE *file = fopen(path, "r");
    if (!file) return 0;
    char line[256];
    int fault = 0;
    size_t length = 32;
    while (length > 0 && label[length - 1] == ' ') length--;
    while (fgets(line, sizeof line, file)) {
        char *space = strrchr(line, ' ');
        if (!space || (size_t)(space - line) != length || memcmp(line, label, length) != 0) continue;
        if (strncmp(space + 1, "final-try", 9) == 0) fault = 1;
        if (strncmp(space + 1, "locked", 6) == 0) fault = 2;
    }
    fclose(file);
    return fault;
}

static CK_RV get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
    CK_RV rv = real->C_GetTokenInfo(slot, info);
    if (rv != CKR_OK) return rv;
    int fault = fault_for(info->label);
    if (fault == 1) info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
    if (fault == 2) info->flags |= CKF_USER_PIN_LOCKED;
    return rv;
}

static CK_RV login(CK_SESSION_HANDLE session, CK_USER_TYPE type, CK_UTF8CHAR_PTR pin, CK_ULONG length) {
    CK_SESSION_INFO info;
    CK_TOKEN_INFO token;
    if (type == CKU_USER && real->C_GetSessionInfo(session, &info) == CKR_OK &&
        real->C_GetTokenInfo(info.slotID, &token) == CKR_OK && fault_for(token.label) == 2) {
        return CKR_PIN_LOCKED;
    }
    return real->C_Login(session, type, pin, length);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
    if (!real) {
        void *module = dlopen("/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
        if (!module) return CKR_GENERAL_ERROR;
        CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(module, "C_GetFunctionList");
        if (!get || get(&real) != CKR_OK) return CKR_GENERAL_ERROR;
        wrapped = *real;
        wrapped.C_GetTokenInfo = get_token_info;
        wrapped.C_Login = login;
    }
    *list = &wrapped;
    return CKR_OK;
}
