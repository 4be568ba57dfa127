#ifndef GRIDWATCH_CMOSQUITTO_SHIM_H
#define GRIDWATCH_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#endif
