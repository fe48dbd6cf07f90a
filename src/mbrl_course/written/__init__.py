"""written"""
