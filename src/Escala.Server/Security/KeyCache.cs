using System.Collections.Concurrent;
using Escala.Configuration;
using Escala.Security;
using Escala.Storage;

namespace Escala.Server.Security;

/// <summary>
/// Key lookups and "does any key exist", each trusted for less than a second
/// (<see cref="SecurityDefaults.KeyCacheTtl"/>): a key revoked on any node stops working on every node
/// within 1 s, while a busy key costs one store read a second, not one a request. Unknown ids are cached
/// too, so forged keys cannot hammer the store; the cache is bounded.
/// </summary>
public sealed class KeyCache(IKeyStore store, TimeProvider time)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (ApiKey? Key, long Until)> _keys = new(StringComparer.Ordinal);
    private (bool Any, long Until) _any = (false, 0);

    public async Task<ApiKey?> FindAsync(string id, CancellationToken ct)
    {
        var now = time.GetTimestamp();
        if (_keys.TryGetValue(id, out var cached) && cached.Until > now)
        {
            return cached.Key;
        }

        var key = await store.FindKeyAsync(id, ct);
        if (_keys.Count >= MaxEntries)
        {
            _keys.Clear();
        }

        _keys[id] = (key, now + Ttl);
        return key;
    }

    /// <summary>True while at least one key is not revoked (open mode ends when the first key is created).</summary>
    public async Task<bool> AnyKeysAsync(CancellationToken ct)
    {
        var now = time.GetTimestamp();
        var cached = _any;
        if (cached.Until > now)
        {
            return cached.Any;
        }

        var any = await store.CountActiveKeysAsync(ct) > 0;
        _any = (any, now + Ttl);
        return any;
    }

    /// <summary>Forgets what this node cached (after it created or revoked a key itself).</summary>
    public void Invalidate()
    {
        _keys.Clear();
        _any = (false, 0);
    }

    private long Ttl => (long)(SecurityDefaults.KeyCacheTtl.TotalSeconds * time.TimestampFrequency);
}
