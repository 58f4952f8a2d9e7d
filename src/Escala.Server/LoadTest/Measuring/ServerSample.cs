namespace Escala.Server.LoadTest.Measuring;

/// <summary>One sample of the node (its resources and queues) and of the CPU, taken once a second.</summary>
public sealed record ServerSample(
    int Second,
    IReadOnlyDictionary<string, ResourceSample> Resources,
    IReadOnlyDictionary<string, QueueSample> Queues,
    double ProcessCpuPercent,
    double? MachineCpuPercent);

/// <summary>A governed resource at one moment: its limit, the jobs running on it and the jobs waiting for it.</summary>
public sealed record ResourceSample(int Limit, long Running, long Waiting);

/// <summary>A queue at one moment: its concurrency, jobs waiting to start (available) and running.</summary>
public sealed record QueueSample(int Concurrency, bool External, long Available, long Running);
