/* The last of the driver modules' objects in the link: see driver_data_begin.c. */
__attribute__((used)) char irqlab_driver_data_end[1] = {1};
__attribute__((used)) char irqlab_driver_bss_end[1];
