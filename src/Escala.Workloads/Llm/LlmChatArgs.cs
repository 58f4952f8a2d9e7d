using System.Text.Json;
using Escala.Execution;
using Microsoft.Extensions.AI;

namespace Escala.Workloads.Llm;

/// <summary>
/// The arguments of an <c>llm.chat</c> job: <c>model</c> (a name under <c>models</c>; optional when only one is
/// configured), <c>messages</c> (<c>[{"role":"system|user|assistant","content":"…"}]</c>, required), and optional
/// <c>maxTokens</c>, <c>temperature</c>, <c>topP</c>, <c>stop</c> and <c>stream</c> (defaults to true: tokens are
/// published as they come).
/// </summary>
public sealed record LlmChatArgs(string Model, IReadOnlyList<ChatMessage> Messages, int MaxTokens, float? Temperature, float? TopP,
    IReadOnlyList<string>? Stop, bool Stream)
{
    private static readonly HashSet<string> Roles = ["system", "user", "assistant"];

    /// <summary>Reads and checks the arguments; a bad one throws <see cref="PermanentJobException"/> naming the field (never its value).</summary>
    public static LlmChatArgs Parse(JsonElement args, LlmClients clients)
    {
        if (args.ValueKind != JsonValueKind.Object)
        {
            throw Bad("args", "must be an object");
        }

        string model;
        if (args.TryGetProperty("model", out var m))
        {
            model = m.ValueKind == JsonValueKind.String ? m.GetString()! : throw Bad("args.model", "must be a string");
        }
        else
        {
            model = clients.Pools.Count == 1 ? clients.Pools.Keys.First() : throw Bad("args.model", "is required when several models are configured");
        }

        var pool = clients.Find(model) ?? throw Bad("args.model", "is not a model under models");
        if (!args.TryGetProperty("messages", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw Bad("args.messages", "must be a non-empty array");
        }

        var messages = new List<ChatMessage>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String || !Roles.Contains(role.GetString()!)
                || !item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                throw Bad($"args.messages[{i}]", "must have a role (system, user, assistant) and a string content");
            }

            messages.Add(new ChatMessage(new ChatRole(role.GetString()!), content.GetString()!));
            i++;
        }

        var maxTokens = Int(args, "maxTokens", 1, 1_000_000) ?? pool.Settings.MaxTokens;
        var stream = !args.TryGetProperty("stream", out var s) || s.ValueKind != JsonValueKind.False;
        List<string>? stop = null;
        if (args.TryGetProperty("stop", out var stops))
        {
            stop = stops.ValueKind == JsonValueKind.Array && stops.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String)
                ? stops.EnumerateArray().Select(x => x.GetString()!).ToList()
                : throw Bad("args.stop", "must be an array of strings");
        }

        return new LlmChatArgs(model, messages, maxTokens, Float(args, "temperature", 0, 2), Float(args, "topP", 0, 1), stop, stream);
    }

    /// <summary>The request as Microsoft.Extensions.AI options.</summary>
    public ChatOptions Options() => new()
    {
        MaxOutputTokens = MaxTokens,
        Temperature = Temperature,
        TopP = TopP,
        StopSequences = Stop?.ToList(),
    };

    private static int? Int(JsonElement args, string name, int min, int max)
    {
        if (!args.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.TryGetInt32(out var n) && n >= min && n <= max ? n : throw Bad($"args.{name}", $"must be an integer in {min}..{max}");
    }

    private static float? Float(JsonElement args, string name, double min, double max)
    {
        if (!args.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.TryGetDouble(out var d) && d >= min && d <= max ? (float)d : throw Bad($"args.{name}", $"must be a number in {min}..{max}");
    }

    private static PermanentJobException Bad(string field, string message) => new($"llm.chat: {field} {message}.");
}
