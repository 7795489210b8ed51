#include "goaccel.h"

// A thread state for the calling OS thread, created without holding the GIL
// (as PyGILState_Ensure does) and registered for PyGILState_* lookups.
PyThreadState *goaccel_new_thread_state(void) {
    PyInterpreterState *interp = PyInterpreterState_Main();
    return PyThreadState_New(interp);
}

// Must be called on the thread that owns ts, without the GIL held.
void goaccel_delete_thread_state(PyThreadState *ts) {
    PyEval_RestoreThread(ts);
    PyThreadState_Clear(ts);
    PyThreadState_DeleteCurrent();
}
