namespace Escala.Sqlite.Writer;

/// <summary>One write queued for the writer loop; it runs inside the group's transaction, in its own savepoint.</summary>
internal abstract class WriteOp
{
    protected WriteOp(CancellationToken cancellation) => Cancellation = cancellation;

    public CancellationToken Cancellation { get; }

    /// <summary>Runs the write. Throwing rolls back this operation alone.</summary>
    public abstract void Execute(WriteContext context);

    /// <summary>Hands the result to the caller once the group committed.</summary>
    public abstract void Complete();

    public abstract void Fail(Exception error);

    public abstract void Cancel();
}

/// <summary>A write with a result of type <typeparamref name="T"/>.</summary>
internal sealed class WriteOp<T> : WriteOp
{
    private readonly Func<WriteContext, T> _body;
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public WriteOp(Func<WriteContext, T> body, CancellationToken cancellation)
        : base(cancellation) => _body = body;

    public Task<T> Task => _done.Task;

    public override void Execute(WriteContext context) => _result = _body(context);

    public override void Complete() => _done.TrySetResult(_result!);

    public override void Fail(Exception error) => _done.TrySetException(error);

    public override void Cancel() => _done.TrySetCanceled(Cancellation);
}
