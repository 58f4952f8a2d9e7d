using Escala.Execution;

namespace Escala.Server.Tests.Support.Handlers;

/// <summary><c>stubborn</c>: ignores its token and runs until the test lets it go (at the latest when the handler is disposed).</summary>
internal sealed class StubbornHandler : IJobHandler, IDisposable
{
    public const string JobKind = "stubborn";

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Kind => JobKind;

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the handler returns (only after <see cref="Release"/>).</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        Started.TrySetResult();
        try
        {
            await _release.Task.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            return "finished late";
        }
        finally
        {
            Finished.TrySetResult();
        }
    }

    public void Release() => _release.TrySetResult();

    public void Dispose() => Release();
}
