using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Escala.Server.LoadTest.Measuring;

/// <summary>
/// Samples the node once a second over its API (<c>/v1/resources</c>, <c>/v1/queues</c>) and the CPU (this process,
/// which hosts the node unless <c>--target</c>; and the whole machine from <c>/proc/stat</c> on Linux).
/// </summary>
public sealed class ServerMonitor(HttpClient api, Func<int> second)
{
    private readonly List<ServerSample> _samples = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<ServerSample> Samples
    {
        get
        {
            lock (_lock)
            {
                return [.. _samples];
            }
        }
    }

    public ServerSample? Latest
    {
        get
        {
            lock (_lock)
            {
                return _samples.Count == 0 ? null : _samples[^1];
            }
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var process = Process.GetCurrentProcess();
        var lastCpu = process.TotalProcessorTime;
        var lastWall = Stopwatch.GetTimestamp();
        var lastMachine = MachineTicks();
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var wall = Stopwatch.GetElapsedTime(lastWall);
                var processPercent = 100 * (cpu - lastCpu) / (wall * Environment.ProcessorCount);
                (lastCpu, lastWall) = (cpu, Stopwatch.GetTimestamp());
                var machine = MachineTicks();
                double? machinePercent = machine is { } m && lastMachine is { } l && m.Total > l.Total ? 100.0 * (m.Busy - l.Busy) / (m.Total - l.Total) : null;
                lastMachine = machine;
                try
                {
                    var resources = await ResourcesAsync(stop);
                    var queues = await QueuesAsync(stop);
                    lock (_lock)
                    {
                        _samples.Add(new ServerSample(second(), resources, queues, processPercent, machinePercent));
                    }
                }
                catch (HttpRequestException)
                {
                    // A missed sample is not a result; the operations record the node's errors.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task<Dictionary<string, ResourceSample>> ResourcesAsync(CancellationToken ct)
    {
        var root = await api.GetFromJsonAsync<JsonElement>("/v1/resources", ct);
        return root.GetProperty("resources").EnumerateArray().ToDictionary(
            r => r.GetProperty("name").GetString()!,
            r => new ResourceSample(r.GetProperty("concurrency").GetInt32(), r.GetProperty("running").GetInt64(), r.GetProperty("waiting").GetInt64()),
            StringComparer.Ordinal);
    }

    private async Task<Dictionary<string, QueueSample>> QueuesAsync(CancellationToken ct)
    {
        var root = await api.GetFromJsonAsync<JsonElement>("/v1/queues", ct);
        return root.GetProperty("queues").EnumerateArray().ToDictionary(
            q => q.GetProperty("name").GetString()!,
            q => new QueueSample(
                q.GetProperty("concurrency").GetInt32(),
                q.TryGetProperty("external", out var external) && external.GetBoolean(),
                q.GetProperty("counts").GetProperty("available").GetInt64(),
                q.GetProperty("counts").GetProperty("running").GetInt64()),
            StringComparer.Ordinal);
    }

    /// <summary>Busy and total jiffies of all CPUs, from the first line of <c>/proc/stat</c>; null elsewhere.</summary>
    private static (long Busy, long Total)? MachineTicks()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var idle = values[3] + (values.Length > 4 ? values[4] : 0);
            var total = values.Take(8).Sum();
            return (total - idle, total);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
