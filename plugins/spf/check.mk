# libspf2 from Debian (libspf2-dev), linked statically; it references libresolv.
spf_LDLIBS := /usr/lib/libspf2.a -lresolv
