namespace Escala.Server.LoadTest.Scenarios;

/// <summary>A scenario file that cannot run; <see cref="Errors"/> name each field at fault (<c>operations[2].weight: …</c>).</summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException(string source, IReadOnlyList<string> errors)
        : base($"{source}: {errors.Count} error(s) in the scenario:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Errors = errors;
    }

    public ScenarioException()
        : this("scenario", [])
    {
    }

    public ScenarioException(string message)
        : this("scenario", [message])
    {
    }

    public ScenarioException(string message, Exception inner)
        : base(message, inner)
    {
        Errors = [message];
    }

    public IReadOnlyList<string> Errors { get; } = [];
}
