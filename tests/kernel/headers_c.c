#include "headers_all.h"
