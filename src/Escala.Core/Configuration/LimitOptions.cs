using System.ComponentModel.DataAnnotations;

namespace Escala.Configuration;

/// <summary>Input limits (<c>limits</c>).</summary>
public sealed class LimitOptions
{
    /// <summary>Largest job arguments in bytes (2 B – 64 MiB).</summary>
    /// <value>Defaults to <see cref="LimitDefaults.MaxArgsBytes"/> (1 MiB).</value>
    [Range(2, 64 << 20)]
    public int MaxArgsBytes { get; set; } = LimitDefaults.MaxArgsBytes;

    /// <summary>Most jobs in one batch submit (1–100,000).</summary>
    /// <value>Defaults to <see cref="LimitDefaults.MaxBatch"/> (1000).</value>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = LimitDefaults.MaxBatch;

    /// <summary>Longest <c>?wait=</c> on submit and on get.</summary>
    /// <value>Defaults to <see cref="LimitDefaults.MaxWait"/> (60s).</value>
    public TimeSpan MaxWait { get; set; } = LimitDefaults.MaxWait;
}
