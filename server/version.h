/* version.h — the one place the version lives. */
#ifndef VS_VERSION_H
#define VS_VERSION_H
#define VISIONSTACK_VERSION "0.1.0"
#endif
