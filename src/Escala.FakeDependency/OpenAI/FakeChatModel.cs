namespace Escala.FakeDependency.OpenAI;

/// <summary>The fake chat model's state: its behaviour (replaced as a whole) and its ledger.</summary>
public sealed class FakeChatModel
{
    private ChatBehaviour _behaviour = ChatBehaviour.Default;

    public ChatBehaviour Behaviour
    {
        get => Volatile.Read(ref _behaviour);
        set => Volatile.Write(ref _behaviour, value);
    }

    public ChatLedger Ledger { get; } = new();

    private long _nextId;

    public string NextId() => "chatcmpl-" + Interlocked.Increment(ref _nextId);
}
