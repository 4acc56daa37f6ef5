namespace Notifications.Server.Acknowledgements;

public enum AcknowledgeOutcome
{
    Recorded,
    AlreadyRecorded,
    MalformedId,
    UnknownId,
    NotAddressed,
}
