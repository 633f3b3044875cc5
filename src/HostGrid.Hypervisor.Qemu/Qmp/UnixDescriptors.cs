using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HostGrid.Hypervisor.Qemu.Qmp;

/// <summary>
/// Passing an open file descriptor to QEMU over its QMP socket (SCM_RIGHTS), which .NET's sockets do not offer; QEMU's
/// <c>getfd</c> then names it. Linux, 64-bit (the layouts of <c>msghdr</c> and <c>cmsghdr</c> below).
/// </summary>
internal static partial class UnixDescriptors
{
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgNoSignal = 0x4000;
    private const int FDupFdCloExec = 1030;
    private const int EIntr = 4;
    private const int EAgain = 11;
    private const int ControlHeaderSize = 16; // cmsghdr: size_t len, int level, int type
    private const int ControlSpace = ControlHeaderSize + 8; // CMSG_SPACE(sizeof(int))
    private const int SendAttempts = 1000;

    /// <summary>
    /// Writes <paramref name="data"/> to a connected unix socket with <paramref name="descriptor"/> attached to its first
    /// byte; the receiver gets its own copy of the descriptor. The caller serialises writes on the socket.
    /// </summary>
    /// <exception cref="IOException">The socket refused the write.</exception>
    public static void Send(Socket socket, byte[] data, SafeHandle descriptor)
    {
        ArgumentOutOfRangeException.ThrowIfZero(data.Length);
        var buffer = Marshal.AllocHGlobal(data.Length);
        var vector = Marshal.AllocHGlobal(2 * IntPtr.Size);
        var control = Marshal.AllocHGlobal(ControlSpace);
        var socketRef = false;
        var descriptorRef = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref socketRef);
            descriptor.DangerousAddRef(ref descriptorRef);
            Marshal.Copy(data, 0, buffer, data.Length);
            Marshal.WriteIntPtr(vector, 0, buffer);
            Marshal.WriteIntPtr(vector, IntPtr.Size, data.Length);
            Marshal.WriteInt64(control, 0, ControlHeaderSize + sizeof(int)); // CMSG_LEN(sizeof(int))
            Marshal.WriteInt32(control, 8, SolSocket);
            Marshal.WriteInt32(control, 12, ScmRights);
            Marshal.WriteInt64(control, ControlHeaderSize, (int)descriptor.DangerousGetHandle()); // the int and its padding
            var message = new MessageHeader { Vector = vector, VectorLength = 1, Control = control, ControlLength = ControlSpace };

            var sent = SendMessage((int)socket.SafeHandle.DangerousGetHandle(), ref message);
            if (sent < data.Length)
            {
                socket.Send(data.AsSpan((int)sent)); // the descriptor went with the first byte
            }
        }
        finally
        {
            if (descriptorRef)
            {
                descriptor.DangerousRelease();
            }

            if (socketRef)
            {
                socket.SafeHandle.DangerousRelease();
            }

            Marshal.FreeHGlobal(control);
            Marshal.FreeHGlobal(vector);
            Marshal.FreeHGlobal(buffer);
        }
    }

    /// <summary>A copy of <paramref name="descriptor"/> (close-on-exec) that outlives it.</summary>
    public static DescriptorHandle Duplicate(SafeHandle descriptor)
    {
        var added = false;
        try
        {
            descriptor.DangerousAddRef(ref added);
            var copy = DuplicateDescriptor((int)descriptor.DangerousGetHandle(), FDupFdCloExec, 0);
            return copy >= 0 ? new DescriptorHandle(copy) : throw new IOException($"fcntl(F_DUPFD_CLOEXEC) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            if (added)
            {
                descriptor.DangerousRelease();
            }
        }
    }

    private static nint SendMessage(int socket, ref MessageHeader message)
    {
        for (var attempt = 1; ; attempt++)
        {
            var sent = SendMessage(socket, ref message, MsgNoSignal);
            if (sent >= 0)
            {
                return sent;
            }

            // The QMP socket is non-blocking: a full buffer (a tiny command, so rarely) is waited out, briefly.
            var error = Marshal.GetLastPInvokeError();
            if (error is not (EAgain or EIntr) || attempt == SendAttempts)
            {
                throw new IOException($"sendmsg with a descriptor failed: errno {error}");
            }

            Thread.Sleep(1);
        }
    }

    [DllImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint SendMessage(int socket, ref MessageHeader message, int flags);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int DuplicateDescriptor(int descriptor, int command, int lowest);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int CloseDescriptor(int descriptor);

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public nint Name;
        public uint NameLength;
        public nint Vector;
        public nuint VectorLength;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>A file descriptor this process owns, closed on dispose.</summary>
    internal sealed class DescriptorHandle : SafeHandleMinusOneIsInvalid
    {
        public DescriptorHandle(int descriptor)
            : base(ownsHandle: true) => SetHandle(descriptor);

        protected override bool ReleaseHandle() => CloseDescriptor((int)handle) == 0;
    }
}
