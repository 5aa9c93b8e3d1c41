package io.austin.sampler.internal.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few C library calls the sampler needs, bound with JNA direct mapping (no proxy, no reflection per call).
 * After a failed call, {@link Native#getLastError()} holds {@code errno}: JNA saves it per thread right after
 * every native call, which avoids allocating a {@code LastErrorException} on the sampling hot path.
 */
final class LibC {
    static final int EPERM = 1;
    static final int ESRCH = 3;
    static final int EIO = 5;
    static final int EACCES = 13;
    static final int EFAULT = 14;

    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;

    static final int SC_PAGESIZE = 30;
    static final int SC_PHYS_PAGES = 85;

    /** Why binding failed, or null if the natives are usable. */
    private static final Throwable LOAD_FAILURE;

    static {
        Throwable failure = null;
        try {
            Native.register(LibC.class, libc());
        } catch (final LinkageError | RuntimeException e) {
            // Without JNA's native part the pure-Java fallbacks (ProcMemFile, /proc reads) still work.
            failure = e;
        }
        LOAD_FAILURE = failure;
    }

    private LibC() {
    }

    /**
     * glibc by its soname, which the dynamic loader finds at once; JNA's short name "c" maps to "libc.so", a linker
     * script on glibc systems, so that JNA has to search directories for the real file. Other C libraries (musl)
     * get the short name.
     */
    private static NativeLibrary libc() {
        try {
            return NativeLibrary.getInstance("libc.so.6");
        } catch (final UnsatisfiedLinkError notGlibc) {
            return NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
        }
    }

    /** True if the native methods below are bound. */
    static boolean available() {
        return LOAD_FAILURE == null;
    }

    /** Why the natives are not usable, or null. */
    static Throwable loadFailure() {
        return LOAD_FAILURE;
    }

    /** {@code ssize_t process_vm_readv(pid_t, const struct iovec *, unsigned long, ...)}; -1 and errno on error. */
    static native long process_vm_readv(int pid, Pointer localIov, long liovcnt, Pointer remoteIov, long riovcnt,
            long flags);

    /** {@code int open(const char *path, int flags)}; the path is a NUL-terminated byte string. */
    static native int open(Pointer path, int flags);

    /** {@code ssize_t read(int fd, void *buf, size_t count)}. */
    static native long read(int fd, Pointer buf, long count);

    /** {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset)}: a /proc file read again from 0. */
    static native long pread(int fd, Pointer buf, long count, long offset);

    /** {@code int close(int fd)}. */
    static native int close(int fd);

    /** {@code long sysconf(int name)}. */
    static native long sysconf(int name);

    /** {@code int kill(pid_t pid, int sig)}: forwards SIGINT/SIGTERM to a spawned target. */
    static native int kill(int pid, int sig);

    /** {@code sighandler_t signal(int sig, sighandler_t handler)}; a null handler is {@code SIG_DFL}. */
    static native Pointer signal(int sig, Pointer handler);

    /** {@code int prctl(int option, unsigned long arg2, ...)}: the sampling thread's timer slack. */
    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    static final int PR_SET_TIMERSLACK = 29;

    /** {@code int getpriority(int which, id_t who)}: the nice value; on Linux, who 0 is the calling thread alone. */
    static native int getpriority(int which, int who);

    /** {@code int setpriority(int which, id_t who, int prio)}: on Linux, who 0 is the calling thread alone. */
    static native int setpriority(int which, int who, int prio);

    static final int PRIO_PROCESS = 0;

    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;

    /** {@code int socket(int domain, int type, int protocol)}: the syslog datagram socket. */
    static native int socket(int domain, int type, int protocol);

    /** {@code int connect(int fd, const struct sockaddr *addr, socklen_t len)}. */
    static native int connect(int fd, Pointer addr, int len);

    /** {@code ssize_t send(int fd, const void *buf, size_t len, int flags)}. */
    static native long send(int fd, byte[] buf, long len, int flags);
}
