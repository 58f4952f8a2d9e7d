namespace Escala.Server.LoadTest.Measuring;

/// <summary>What finished in one wall-clock second of the run: successes, errors, and the successes' latency.</summary>
public sealed record SecondFigures(int Second, long Ok, long Errors, Percentiles? Latency);
