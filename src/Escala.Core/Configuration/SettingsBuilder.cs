using System.Globalization;
using System.Text.RegularExpressions;
using Escala.Governance;

namespace Escala.Configuration;

/// <summary>Validates <see cref="EscalaOptions"/> and turns them into <see cref="EscalaSettings"/>.</summary>
public static partial class SettingsBuilder
{
    /// <summary>The configuration section every key lives under.</summary>
    public const string Section = "Escala";

    /// <summary>Builds the settings, or throws <see cref="ConfigurationException"/> listing every bad key.</summary>
    public static EscalaSettings Build(EscalaOptions options)
    {
        var errors = new List<string>();
        var queues = new Dictionary<string, QueueSettings>(StringComparer.Ordinal);
        var queueOptions = new Dictionary<string, QueueOptions>(options.Queues, StringComparer.Ordinal);
        queueOptions.TryAdd(QueueDefaults.DefaultQueue, new QueueOptions());
        foreach (var (name, q) in queueOptions)
        {
            var key = $"Queues:{name}";
            CheckName(errors, key, name);
            Range(errors, $"{key}:Concurrency", q.Concurrency, 1, 10_000);
            Range(errors, $"{key}:MaxAttempts", q.MaxAttempts, 1, 1_000);
            if (q.FetchBatch is { } fb)
            {
                Range(errors, $"{key}:FetchBatch", fb, 1, 1_000);
            }

            if (q.TenantConcurrency is { } tc)
            {
                Range(errors, $"{key}:TenantConcurrency", tc, 1, 100_000);
            }

            queues[name] = new QueueSettings
            {
                Name = name,
                Concurrency = q.Concurrency,
                FetchBatch = q.FetchBatch ?? Math.Min(q.Concurrency, QueueDefaults.MaxFetchBatch),
                MaxAttempts = q.MaxAttempts,
                Timeout = Positive(errors, $"{key}:Timeout", q.Timeout),
                HardTimeoutGrace = NonNegative(errors, $"{key}:HardTimeoutGrace", q.HardTimeoutGrace),
                Backoff = NonNegative(errors, $"{key}:Backoff", q.Backoff),
                MaxBackoff = NonNegative(errors, $"{key}:MaxBackoff", q.MaxBackoff),
                Retention = NonNegative(errors, $"{key}:Retention", q.Retention),
                TenantConcurrency = q.TenantConcurrency,
                External = q.External,
            };
        }

        var resources = new Dictionary<string, ResourceSettings>(StringComparer.Ordinal);
        foreach (var (name, r) in options.Resources)
        {
            var key = $"Resources:{name}";
            CheckName(errors, key, name);
            if (r.Concurrency is { } c)
            {
                Range(errors, $"{key}:Concurrency", c, 1, 100_000);
            }

            RateLimit? rate = null;
            if (r.Rate is not null && !TryParseRate(r.Rate, out rate))
            {
                errors.Add($"{key}:Rate: '{r.Rate}' is not a rate such as 60/min, 10/s or 1000/1h.");
            }

            RateLimit? tokens = null;
            if (r.Tokens is not null && !TryParseRate(r.Tokens, out tokens))
            {
                errors.Add($"{key}:Tokens: '{r.Tokens}' is not a token budget such as 40000/min.");
            }

            BreakerSettings? breaker = null;
            if (r.Breaker is { } b)
            {
                Range(errors, $"{key}:Breaker:Failures", b.Failures, 1, 100_000);
                Range(errors, $"{key}:Breaker:MinThroughput", b.MinThroughput, 1, 100_000);
                Range(errors, $"{key}:Breaker:Probes", b.Probes, 1, 1_000);
                if (b.FailureRatio is { } ratio && (ratio <= 0 || ratio > 1))
                {
                    errors.Add($"{key}:Breaker:FailureRatio: {ratio.ToString(CultureInfo.InvariantCulture)} must be above 0 and at most 1.");
                }

                breaker = new BreakerSettings
                {
                    Failures = b.Failures,
                    FailureRatio = b.FailureRatio,
                    MinThroughput = b.MinThroughput,
                    Window = Positive(errors, $"{key}:Breaker:Window", b.Window),
                    OpenFor = Positive(errors, $"{key}:Breaker:OpenFor", b.OpenFor),
                    Probes = b.Probes,
                };
            }

            resources[name] = new ResourceSettings { Name = name, Concurrency = r.Concurrency, Rate = rate, Tokens = tokens, Breaker = breaker };
        }

        var kindResources = new Dictionary<string, string[]>(options.KindResources, StringComparer.Ordinal);
        var models = ModelSettingsBuilder.Build(options.Models, resources, kindResources, errors);
        foreach (var (kind, names) in options.KindResources)
        {
            foreach (var name in names)
            {
                if (!resources.ContainsKey(name))
                {
                    errors.Add($"KindResources:{kind}: resource '{name}' is not declared under Resources.");
                }
            }
        }

        if (options.Role is not (NodeRoles.All or NodeRoles.Api or NodeRoles.Worker))
        {
            errors.Add($"Role: '{options.Role}' is not one of all, api, worker.");
        }

        var lease = Positive(errors, $"Execution:LeaseDuration", options.Execution.LeaseDuration);
        var heartbeat = options.Execution.HeartbeatInterval is { } hb
            ? Positive(errors, $"Execution:HeartbeatInterval", hb)
            : lease / 3;
        if (heartbeat >= lease && lease > TimeSpan.Zero)
        {
            errors.Add($"Execution:HeartbeatInterval: must be shorter than LeaseDuration ({Durations.Format(lease)}).");
        }

        Range(errors, $"Limits:MaxArgsBytes", options.Limits.MaxArgsBytes, 2, 64 << 20);
        Range(errors, $"Limits:MaxBatch", options.Limits.MaxBatch, 1, 100_000);

        var settings = new EscalaSettings
        {
            NodeId = string.IsNullOrWhiteSpace(options.NodeId)
                ? $"{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}"
                : options.NodeId,
            Role = options.Role,
            Queues = queues,
            Resources = resources,
            KindResources = kindResources,
            Models = models,
            Cache = CacheSettings.Build(options.Cache, errors),
            LeaseDuration = lease,
            HeartbeatInterval = heartbeat,
            PollInterval = Positive(errors, $"Execution:PollInterval", options.Execution.PollInterval),
            ShutdownGrace = NonNegative(errors, $"Execution:ShutdownGrace", options.Execution.ShutdownGrace),
            DrainDelay = NonNegative(errors, $"Execution:DrainDelay", options.Execution.DrainDelay),
            PromoteInterval = Positive(errors, $"Maintenance:PromoteInterval", options.Maintenance.PromoteInterval),
            RescueInterval = Positive(errors, $"Maintenance:RescueInterval", options.Maintenance.RescueInterval),
            PruneInterval = Positive(errors, $"Maintenance:PruneInterval", options.Maintenance.PruneInterval),
            LeaderTtl = Positive(errors, $"Maintenance:LeaderTtl", options.Maintenance.LeaderTtl),
            NodeTtl = Positive(errors, $"Maintenance:NodeTtl", options.Maintenance.NodeTtl),
            MaxArgsBytes = options.Limits.MaxArgsBytes,
            MaxBatch = options.Limits.MaxBatch,
            MaxWait = NonNegative(errors, $"Limits:MaxWait", options.Limits.MaxWait),
        };

        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        return settings;
    }

    /// <summary>Reads <c>60/min</c>, <c>10/s</c>, <c>5/2s</c>, <c>1000/1h</c>.</summary>
    public static bool TryParseRate(string text, out RateLimit? rate)
    {
        rate = null;
        var match = RatePattern().Match(text.Trim());
        if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var permits) || permits < 1)
        {
            return false;
        }

        var unit = match.Groups[2].Value;
        TimeSpan per;
        switch (unit)
        {
            case "s" or "sec" or "second":
                per = TimeSpan.FromSeconds(1);
                break;
            case "min" or "minute" or "m":
                per = TimeSpan.FromMinutes(1);
                break;
            case "h" or "hour":
                per = TimeSpan.FromHours(1);
                break;
            default:
                if (!Durations.TryParse(unit, out per) || per <= TimeSpan.Zero)
                {
                    return false;
                }

                break;
        }

        rate = new RateLimit(permits, per);
        return true;
    }

    [GeneratedRegex(@"^(\d+)\s*/\s*([0-9a-z.]+)\z")]
    private static partial Regex RatePattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}\z")]
    private static partial Regex NamePattern();

    /// <summary>Queue, resource and kind names: letters, digits, <c>_ . -</c>, at most 64 characters.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    private static void CheckName(List<string> errors, string key, string name)
    {
        if (!IsValidName(name))
        {
            errors.Add($"{key}: '{name}' is not a valid name (letters, digits, '_', '.', '-'; at most 64).");
        }
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key}: {value} is outside {min}..{max}.");
        }
    }

    private static TimeSpan Positive(List<string> errors, string key, string text)
    {
        var value = NonNegative(errors, key, text);
        if (value == TimeSpan.Zero && Durations.TryParse(text, out _))
        {
            errors.Add($"{key}: must be longer than zero.");
        }

        return value;
    }

    private static TimeSpan NonNegative(List<string> errors, string key, string text)
    {
        if (Durations.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{key}: '{text}' is not a duration such as 500ms, 10s, 2m or 1h.");
        return TimeSpan.Zero;
    }
}

/// <summary>Configuration that cannot start a node; the message names every bad key.</summary>
public sealed class ConfigurationException(IReadOnlyList<string> errors)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
