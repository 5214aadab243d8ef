"""Observed flows: read Hubble or plain flow logs, aggregate them as they stream, judge each
against the policies, find allows nobody used, and suggest least-privilege allows."""
