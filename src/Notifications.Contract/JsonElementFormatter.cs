using System.Buffers;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;

namespace Notifications.Contract;

/// <summary>
/// Writes a notification's free-form <c>data</c> (a <see cref="JsonElement"/>) as native MessagePack
/// maps, arrays and scalars, so MessagePack clients see the same structure JSON clients do.
/// </summary>
public sealed class JsonElementFormatter : IMessagePackFormatter<JsonElement>
{
    /// <summary>The one instance; it holds no state.</summary>
    public static readonly JsonElementFormatter Instance = new();

    private const int MaxDepth = 64;

    /// <summary>Writes <paramref name="value"/> as MessagePack.</summary>
    public void Serialize(ref MessagePackWriter writer, JsonElement value, MessagePackSerializerOptions options) =>
        Write(ref writer, value, 0);

    /// <summary>Reads a MessagePack value back into JSON.</summary>
    public JsonElement Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Read(ref reader, json, 0);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(ref MessagePackWriter writer, JsonElement value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new MessagePackSerializationException("data is nested too deeply.");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var unused in value.EnumerateObject())
                {
                    count++;
                }

                writer.WriteMapHeader(count);
                foreach (var property in value.EnumerateObject())
                {
                    writer.Write(property.Name);
                    Write(ref writer, property.Value, depth + 1);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    Write(ref writer, item, depth + 1);
                }

                break;
            case JsonValueKind.String:
                writer.Write(value.GetString());
                break;
            case JsonValueKind.Number when value.TryGetInt64(out var integer):
                writer.Write(integer);
                break;
            case JsonValueKind.Number:
                writer.Write(value.GetDouble());
                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    private static void Read(ref MessagePackReader reader, Utf8JsonWriter json, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new MessagePackSerializationException("data is nested too deeply.");
        }

        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Map:
                var properties = reader.ReadMapHeader();
                json.WriteStartObject();
                for (var i = 0; i < properties; i++)
                {
                    json.WritePropertyName(reader.ReadString() ?? string.Empty);
                    Read(ref reader, json, depth + 1);
                }

                json.WriteEndObject();
                break;
            case MessagePackType.Array:
                var items = reader.ReadArrayHeader();
                json.WriteStartArray();
                for (var i = 0; i < items; i++)
                {
                    Read(ref reader, json, depth + 1);
                }

                json.WriteEndArray();
                break;
            case MessagePackType.String:
                json.WriteStringValue(reader.ReadString());
                break;
            case MessagePackType.Integer:
                json.WriteNumberValue(reader.ReadInt64());
                break;
            case MessagePackType.Float:
                json.WriteNumberValue(reader.ReadDouble());
                break;
            case MessagePackType.Boolean:
                json.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Nil:
                reader.ReadNil();
                json.WriteNullValue();
                break;
            default:
                throw new MessagePackSerializationException($"data cannot hold MessagePack {reader.NextMessagePackType} values.");
        }
    }
}
