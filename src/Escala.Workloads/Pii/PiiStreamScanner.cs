using System.Text;

namespace Escala.Workloads.Pii;

/// <summary>
/// Scans text of any length in fixed memory: windows of <see cref="PiiDefaults.WindowChars"/> characters, the last
/// <see cref="PiiDefaults.OverlapChars"/> of each read again with the next (an entity crossing the boundary is read
/// whole, and the label words before a value are still seen). Entities come out in text order with offsets in the
/// whole stream; the redacted text is written as it goes.
/// </summary>
public sealed class PiiStreamScanner(PiiDetector detector, int windowChars = PiiDefaults.WindowChars, int overlapChars = PiiDefaults.OverlapChars)
{
    /// <summary>Scans <paramref name="reader"/> to its end.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="redacted">Receives the redacted text, or null.</param>
    /// <param name="policy">How to redact; needed when <paramref name="redacted"/> is given.</param>
    /// <param name="onEntity">Called for each entity, in order.</param>
    /// <param name="onProgress">Called after each window with the characters read so far.</param>
    /// <param name="threshold">The lowest score reported.</param>
    /// <param name="ct">Stops the scan.</param>
    /// <returns>The entities found and characters read.</returns>
    public async Task<(long Entities, long Characters)> ScanAsync(
        TextReader reader, TextWriter? redacted, RedactionPolicy? policy, Action<PiiEntity>? onEntity = null, Action<long>? onProgress = null,
        double threshold = PiiDefaults.Threshold, CancellationToken ct = default)
    {
        if (redacted is not null && policy is null)
        {
            throw new ArgumentException("a policy is needed to write redacted text", nameof(policy));
        }

        var maxContext = overlapChars * 16;
        var buffer = new char[windowChars + maxContext];
        var found = new List<Candidate>();
        var output = new StringBuilder();
        var context = 0;          // characters at the front already emitted, kept only as context
        var length = 0;           // characters in the buffer
        long emitted = 0;         // UTF-16 offset of buffer[context]
        long emittedCodePoints = 0;
        long entities = 0;
        var ended = false;
        while (!ended || length > context)
        {
            while (!ended && length < buffer.Length)
            {
                var read = await reader.ReadAsync(buffer.AsMemory(length, buffer.Length - length), ct);
                if (read == 0)
                {
                    ended = true;
                }

                length += read;
            }

            found.Clear();
            detector.Find(buffer.AsSpan(0, length), found, threshold);
            var commit = ended ? length : Math.Max(context + 1, length - overlapChars);
            foreach (var c in found)
            {
                if (c.Start >= context && c.Start < commit && c.End > commit)
                {
                    commit = c.End;
                }
            }

            if (commit < length && commit > context && char.IsHighSurrogate(buffer[commit - 1]))
            {
                commit--;
            }

            var window = new List<PiiEntity>();
            var pendingCodePoints = 0L;
            var position = context;
            foreach (var c in found)
            {
                if (c.Start < context || c.Start >= commit)
                {
                    continue;
                }

                pendingCodePoints += PiiDetector.CodePoints(buffer.AsSpan(position, c.Start - position));
                var cpStart = emittedCodePoints + pendingCodePoints;
                pendingCodePoints += PiiDetector.CodePoints(buffer.AsSpan(c.Start, c.End - c.Start));
                position = c.End;
                var entity = new PiiEntity(c.Type, emitted + c.Start - context, emitted + c.End - context, cpStart, emittedCodePoints + pendingCodePoints, c.Score);
                window.Add(entity);
                onEntity?.Invoke(entity);
            }

            entities += window.Count;
            if (redacted is not null)
            {
                output.Clear();
                PiiRedactor.Append(output, buffer.AsSpan(context, commit - context), emitted, window, policy!);
                foreach (var chunk in output.GetChunks())
                {
                    await redacted.WriteAsync(chunk, ct);
                }
            }

            emittedCodePoints += PiiDetector.CodePoints(buffer.AsSpan(context, commit - context));
            emitted += commit - context;
            onProgress?.Invoke(emitted);

            // Keep the overlap of emitted text as context (more inside a table: back to its header), then the pending text.
            var keepFrom = TableStart(buffer.AsSpan(0, commit), Math.Max(0, commit - overlapChars), Math.Max(0, commit - maxContext));
            Array.Copy(buffer, keepFrom, buffer, 0, length - keepFrom);
            context = commit - keepFrom;
            length -= keepFrom;
            if (ended && length == context)
            {
                break;
            }
        }

        return (entities, emitted);
    }

    /// <summary>Moves <paramref name="from"/> back over the lines of a table (those holding | ; or a tab) so that its header stays in view.</summary>
    private static int TableStart(ReadOnlySpan<char> text, int from, int floor)
    {
        var start = Math.Max(floor, text[..from].LastIndexOf('\n') + 1); // whole lines: a header cut in two names the wrong columns
        for (var lines = 0; lines < 64 && start > floor; lines++)
        {
            var previousEnd = text[..start].LastIndexOf('\n');
            if (previousEnd < 0)
            {
                break;
            }

            var lineStart = text[..previousEnd].LastIndexOf('\n') + 1;
            if (lineStart < floor || text[lineStart..previousEnd].IndexOfAny('|', ';', '\t') < 0)
            {
                break;
            }

            start = lineStart;
        }

        return start;
    }
}
