namespace Escala.Configuration;

/// <summary>
/// A section that may also be written as one value, as <see cref="ConcurrencyOptions"/> is (<c>"concurrency": 10</c>
/// or <c>"concurrency": {"adaptive": {…}}</c>). The binder reads a value with <see cref="TryRead"/>, a section key by key.
/// </summary>
public interface IValueForm
{
    /// <summary>Reads the value form; on failure <paramref name="problem"/> completes "'text' …".</summary>
    bool TryRead(string text, out string problem);
}
