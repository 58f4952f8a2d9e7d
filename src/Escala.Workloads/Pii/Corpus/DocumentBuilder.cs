using System.Text;

namespace Escala.Workloads.Pii.Corpus;

/// <summary>Writes a corpus document piece by piece, recording the span of each entity as it is written.</summary>
internal sealed class DocumentBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<LabelledSpan> _spans = [];

    public DocumentBuilder Add(string text)
    {
        _text.Append(text);
        return this;
    }

    public DocumentBuilder Entity(string type, string value)
    {
        _spans.Add(new LabelledSpan(type, _text.Length, _text.Length + value.Length));
        _text.Append(value);
        return this;
    }

    public LabelledDocument Build(string id, string level) => new(id, level, _text.ToString(), _spans.ToArray());
}
