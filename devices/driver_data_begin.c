/*
 * The first of the driver modules' objects in the link (devices/CMakeLists.txt puts it
 * before every driver .c file and driver_data_end.c after them): the drivers' static data
 * lies between these markers, in .data and in .bss, so that each new simulated kernel can
 * start with every driver's statics as the program loaded them, as insmod gives a module
 * fresh data (kernel/module/data.cpp).
 */
__attribute__((used)) char irqlab_driver_data_begin[1] = {1};
__attribute__((used)) char irqlab_driver_bss_begin[1];
