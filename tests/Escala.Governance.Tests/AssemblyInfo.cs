using System.Runtime.CompilerServices;

// The tests measure concurrency and timing of real nodes on a shared 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Escala.Governance.Tests;

/// <summary>The test process's thread pool, set before any test runs.</summary>
internal static class ThreadPoolFloor
{
    /// <summary>Worker and I/O threads the pool starts without waiting: 32 rather than the machine's 2 cores.</summary>
    /// <remarks>
    /// One process hosts the node, the fake dependency and the test's own polling. With the default minimum (one thread
    /// per core: 2 here), the fair-share waits stalled for 0.6–2.2 s in about one test in two once earlier tests had run in
    /// the process: a watchdog thread saw the pool run no work item for over 400 ms while the process used about 0.2
    /// CPU-seconds per second, with no GC pause and no monitor contention, and it ended when the pool added a thread. What
    /// held the two threads was not found (stack dumps taken from outside came after the stall). With 32, none of four
    /// such runs stalled.
    /// </remarks>
    [ModuleInitializer]
    internal static void Raise() => ThreadPool.SetMinThreads(32, 32);
}
