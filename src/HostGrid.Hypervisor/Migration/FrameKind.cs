namespace HostGrid.Hypervisor.Migration;

/// <summary>
/// The first element of every migration frame. A frame is a 4-byte big-endian length, then one MessagePack array:
/// <list type="bullet">
/// <item><c>[Hello, protocol, token, operationId, vmId, pageCount]</c> source → destination, first</item>
/// <item><c>[HelloAck]</c> destination → source: the token and ticket are right</item>
/// <item><c>[Pages, round, [index…], [version…], bin(contents)]</c> source → destination</item>
/// <item><c>[Sync]</c> source → destination, at the end of each pre-copy round</item>
/// <item><c>[SyncAck]</c> destination → source: every frame before the sync is checked and applied</item>
/// <item><c>[Final, pageCount, digest]</c> source → destination, once paused and the last pages are sent; the digest is that of
/// the version table (<see cref="Simulated.PageContent.DigestTerm"/>)</item>
/// <item><c>[Ack]</c> destination → source: the copy is complete and verified</item>
/// <item><c>[Error, reason, wantVersions]</c> either way; with wantVersions the source answers with its version table</item>
/// <item><c>[VersionTable, bin(little-endian int64 per page)]</c> source → destination, only to name a mismatching page</item>
/// </list>
/// </summary>
internal enum FrameKind
{
    Hello = 1,
    HelloAck = 2,
    Pages = 3,
    Final = 4,
    Ack = 5,
    Error = 6,
    VersionTable = 7,
    Sync = 8,
    SyncAck = 9,
}
