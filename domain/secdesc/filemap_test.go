package secdesc

import "testing"

func TestFileRightsFromDS(t *testing.T) {
	tests := []struct {
		name string
		ds   AccessMask
		want AccessMask
	}{
		{"GPMC Read", DSGenericRead, FileReadAndExecute},
		{"Full Control", DSGenericAll, FileAllAccess},
		{"GENERIC_ALL", GenericAll, FileAllAccess},
		{"read properties without list", DSReadProp | ReadControl, ReadControl},
		{"write properties", DSWriteProp, Synchronize | FileWriteData | FileAppendData | FileWriteEA | FileWriteAttributes},
		{"create and delete children", DSCreateChild | DSDeleteChild, FileWriteData | FileAppendData | FileDeleteChild},
		{"extended rights only", DSControlAccess | DSSelf | DSDeleteTree | DSListObject, 0},
		{"edit settings, delete, modify security", 0xF00FF, FileAllAccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FileRightsFromDS(tt.ds); got != tt.want {
				t.Errorf("FileRightsFromDS(%#x) = %#x, want %#x", tt.ds, got, tt.want)
			}
		})
	}
}
