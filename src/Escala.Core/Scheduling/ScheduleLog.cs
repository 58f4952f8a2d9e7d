using Microsoft.Extensions.Logging;

namespace Escala.Scheduling;

/// <summary>Source-generated log messages of the scheduler. Names and instants only, never a job's arguments.</summary>
internal static partial class ScheduleLog
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Schedule {Tenant}/{Name} enqueued job {JobId} for its tick at {Tick}")]
    public static partial void Enqueued(ILogger logger, string tenant, string name, long jobId, DateTimeOffset tick);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Schedule {Tenant}/{Name} missed ticks before {Cutoff} (cluster down?); misfire policy {Policy}")]
    public static partial void Missed(ILogger logger, string tenant, string name, DateTimeOffset cutoff, MisfirePolicy policy);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning, Message = "Schedule {Tenant}/{Name} is no longer valid and its tick at {Tick} was dropped: {Reason}")]
    public static partial void Invalid(ILogger logger, string tenant, string name, DateTimeOffset tick, string reason);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Information, Message = "Configured schedules applied: {Count} in configuration, {Removed} removed")]
    public static partial void ConfigApplied(ILogger logger, int count, int removed);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Information, Message = "Schedule {Tenant}/{Name} enqueued nothing for its tick at {Tick}: the job's unique key is held")]
    public static partial void UniqueHeld(ILogger logger, string tenant, string name, DateTimeOffset tick);
}
