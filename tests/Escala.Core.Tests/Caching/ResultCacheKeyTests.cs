using Escala.Caching;

namespace Escala.Core.Tests.Caching;

public sealed class ResultCacheKeyTests
{
    [Fact]
    public void For_SameArgsInAnotherOrderAndSpacing_SameKey() =>
        Assert.Equal(
            ResultCacheKey.For("ocr", """{"b":[1,{"y":2,"x":1}],"a":"t"}"""),
            ResultCacheKey.For("ocr", """ { "a" : "t", "b" : [ 1, { "x":1, "y":2 } ] } """));

    [Fact]
    public void For_DifferentArgsOrKindOrArrayOrder_DifferentKeys()
    {
        var key = ResultCacheKey.For("ocr", """{"a":[1,2]}""");

        Assert.NotEqual(key, ResultCacheKey.For("ocr", """{"a":[2,1]}"""));
        Assert.NotEqual(key, ResultCacheKey.For("pdf", """{"a":[1,2]}"""));
        Assert.NotEqual(key, ResultCacheKey.For("ocr", """{"a":[1,2],"b":null}"""));
        Assert.Equal(64, key.Length);
    }

    [Fact]
    public void For_LlmChat_StreamDoesNotCountButModelMessagesAndParametersDo()
    {
        const string args = """{"model":"qwen","messages":[{"role":"user","content":"oi"}],"temperature":0.2,"stream":true}""";
        var key = ResultCacheKey.For("llm.chat", args);

        Assert.Equal(key, ResultCacheKey.For("llm.chat", """{"model":"qwen","messages":[{"role":"user","content":"oi"}],"temperature":0.2}"""));
        Assert.NotEqual(key, ResultCacheKey.For("llm.chat", args.Replace("0.2", "0.3", StringComparison.Ordinal)));
        Assert.NotEqual(key, ResultCacheKey.For("llm.chat", args.Replace("qwen", "gemma", StringComparison.Ordinal)));
        Assert.NotEqual(key, ResultCacheKey.For("llm.chat", args.Replace("oi", "olá", StringComparison.Ordinal)));

        // Only llm.chat drops stream: for another kind it is an argument like any other.
        Assert.NotEqual(ResultCacheKey.For("http", args), ResultCacheKey.For("http", args.Replace(",\"stream\":true", "", StringComparison.Ordinal)));
    }
}
