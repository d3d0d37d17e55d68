qmail-scanq_LDLIBS := -lcdb -ldl
