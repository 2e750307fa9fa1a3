// copy_to_user()/copy_from_user() (lib/usercopy.c): a simulated process's buffer is host
// memory the system call layer owns, so the copy itself cannot fault; a NULL user pointer
// does (nothing is copied). The sleep a fault may take is checked by might_fault() in the
// inline wrappers.
#include <linux/uaccess.h>

#include <cstring>

extern "C" {

unsigned long _copy_to_user(void __user* to, const void* from, unsigned long n) {
    if (!to || !from) return n;
    std::memcpy(to, from, n);
    return 0;
}

unsigned long _copy_from_user(void* to, const void __user* from, unsigned long n) {
    if (!to || !from) return n;
    std::memcpy(to, from, n);
    return 0;
}

}  // extern "C"
