qmail-scanq_LDLIBS := -lclamav -lcdb
