namespace Escala.Server.LoadTest.Scenarios;

/// <summary>A uniform range of durations (<c>5s..15s</c>, or one value for both ends).</summary>
public sealed record Span(TimeSpan Min, TimeSpan Max)
{
    public static Span Zero { get; } = new(TimeSpan.Zero, TimeSpan.Zero);

    public TimeSpan Sample(Random random, double scale) =>
        (Min + (Max - Min) * random.NextDouble()) * scale;
}
