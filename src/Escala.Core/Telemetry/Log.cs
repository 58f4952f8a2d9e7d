using Microsoft.Extensions.Logging;

namespace Escala.Telemetry;

/// <summary>The engine's log messages: transitions and failures, never job arguments or results.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Job {JobId} started (queue {Queue}, kind {Kind}, attempt {Attempt})")]
    public static partial void JobStarted(ILogger logger, long jobId, string queue, string kind, int attempt);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt} failed ({FailureKind}); {Next}: {Error}")]
    private static partial void JobFailedRedacted(ILogger logger, long jobId, int attempt, string failureKind, string next, string error);

    /// <summary>A failed attempt; its error (a handler's own text, which may quote user data) passes through <see cref="LogRedaction"/>.</summary>
    public static void JobFailed(ILogger logger, long jobId, int attempt, string failureKind, string next, string error)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            JobFailedRedacted(logger, jobId, attempt, failureKind, next, LogRedaction.Apply(error));
        }
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Job {JobId} overran its hard timeout of {Timeout}; its slot is freed though the handler still runs")]
    public static partial void HardTimeout(ILogger logger, long jobId, TimeSpan timeout);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Job {JobId} lost its lease; its result will be discarded")]
    public static partial void LeaseLost(ILogger logger, long jobId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Job {JobId} cancelled while running")]
    public static partial void JobCancelled(ILogger logger, long jobId);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Job {JobId} handed back unfinished: {Reason}")]
    public static partial void JobReleased(ILogger logger, long jobId, string reason);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Store call failed in {Loop}; retrying in {Delay}")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string loop, TimeSpan delay);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Store back for {Loop} after {Downtime}")]
    public static partial void StoreBack(ILogger logger, string loop, TimeSpan downtime);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Breaker for resource {Resource} opened for {Duration}")]
    public static partial void BreakerOpened(ILogger logger, string resource, TimeSpan duration);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Breaker for resource {Resource} is {State}")]
    public static partial void BreakerChanged(ILogger logger, string resource, string state);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Resource {Resource} paused until {Until}: {Reason}")]
    public static partial void ResourcePaused(ILogger logger, string resource, DateTimeOffset until, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information,
        Message = "Adaptive concurrency of resource {Resource}: {From} -> {To} ({Reason}); round trip {LatencyMs} ms, no-load {NoLoadMs} ms, {Running} running")]
    public static partial void AdaptiveLimitChanged(ILogger logger, string resource, int from, int to, string reason, long latencyMs, long noLoadMs, long running);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Node {NodeId} is now the maintenance leader")]
    public static partial void BecameLeader(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Node {NodeId} is no longer the maintenance leader")]
    public static partial void LostLeadership(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Rescued {Count} jobs whose lease expired")]
    public static partial void Rescued(ILogger logger, int count);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Pruned {Count} finished jobs past retention")]
    public static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Worker stopping: {Running} jobs in flight, grace {Grace}")]
    public static partial void Stopping(ILogger logger, int running, TimeSpan grace);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Handed back {Count} unfinished jobs at shutdown")]
    public static partial void HandedBack(ILogger logger, int count);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Worker started: node {NodeId}, queues {Queues}")]
    public static partial void WorkerStarted(ILogger logger, string nodeId, string queues);
}
